/**
 * Feed documents shaped as real services publish them, for the feed tests. The CAP messages are
 * those of the CAP 1.2 standard's Appendix A (OASIS, 2010: A.1 homeland security advisory, A.2
 * severe thunderstorm warning, A.3 earthquake update), written out again with their structure,
 * namespaces and offsets, plus French messages in the style of a prefecture's or Météo-France's;
 * their times are given so that a test can place them around its own clock.
 */

const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';

/** `2026-12-02T14:39:01-05:00`: CAP times carry an offset; the reader turns them into UTC. */
export function capTime(ms: number, offsetHours = -5): string {
  const shifted = new Date(ms + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? '-' : '+';
  const abs = Math.abs(offsetHours);
  return `${shifted}${sign}${String(Math.floor(abs)).padStart(2, '0')}:${String(Math.round((abs % 1) * 60)).padStart(2, '0')}`;
}

/** A.1: Homeland Security Advisory System alert (Immediate, Severe, no expires). */
export function homelandSecurityAlert(sent: number): string {
  return `<?xml version = "1.0" encoding = "UTF-8"?>
<alert xmlns = "${CAP_NS}">
  <identifier>43b080713727</identifier>
  <sender>hsas@dhs.gov</sender>
  <sent>${capTime(sent)}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Security</category>
    <event>Homeland Security Advisory System Update</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>U.S. Government, Department of Homeland Security</senderName>
    <headline>Homeland Security Sets Code ORANGE</headline>
    <description>The Department of Homeland Security has elevated the Homeland Security Advisory System threat level to ORANGE / High in response to intelligence which may indicate a heightened threat of terrorism.</description>
    <instruction> A High Threat Condition is declared when there is a high risk of terrorist attacks. </instruction>
    <web>http://www.dhs.gov/dhspublic/display?theme=29</web>
    <parameter>
      <valueName>HSAS</valueName>
      <value>ORANGE</value>
    </parameter>
    <resource>
      <resourceDesc>Image file (GIF)</resourceDesc>
      <mimeType>image/gif</mimeType>
      <uri>http://www.dhs.gov/dhspublic/getAdvisoryImage</uri>
    </resource>
    <area>
      <areaDesc>U.S. nationwide and interests worldwide</areaDesc>
    </area>
  </info>
</alert>`;
}

/** A.2: Severe thunderstorm warning (Immediate, Severe, expires), with a French info block added. */
export function thunderstormWarning(sent: number, expires: number): string {
  return `<?xml version = "1.0" encoding = "UTF-8"?>
<alert xmlns = "${CAP_NS}">
  <identifier>KSTO1055887203</identifier>
  <sender>KSTO@NWS.NOAA.GOV</sender>
  <sent>${capTime(sent, -7)}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Met</category>
    <event>SEVERE THUNDERSTORM</event>
    <responseType>Shelter</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <eventCode>
      <valueName>SAME</valueName>
      <value>SVR</value>
    </eventCode>
    <expires>${capTime(expires, -7)}</expires>
    <senderName>NATIONAL WEATHER SERVICE SACRAMENTO CA</senderName>
    <headline>SEVERE THUNDERSTORM WARNING</headline>
    <description> AT 254 PM PDT...NATIONAL WEATHER SERVICE DOPPLER RADAR INDICATED A SEVERE THUNDERSTORM OVER SOUTH CENTRAL ALPINE COUNTY...OR ABOUT 18 MILES SOUTHEAST OF KIRKWOOD...MOVING SOUTHWEST AT 5 MPH. HAIL...INTENSE RAIN AND STRONG DAMAGING WINDS ARE LIKELY WITH THIS STORM.</description>
    <instruction>TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.</instruction>
    <contact>BARUFFALDI/JUSKIE</contact>
    <area>
      <areaDesc>EXTREME NORTH CENTRAL TUOLUMNE COUNTY IN CALIFORNIA, EXTREME NORTHEASTERN CALAVERAS COUNTY IN CALIFORNIA, SOUTHWESTERN ALPINE COUNTY IN CALIFORNIA</areaDesc>
      <polygon>38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14</polygon>
      <geocode>
        <valueName>SAME</valueName>
        <value>006109</value>
      </geocode>
      <geocode>
        <valueName>SAME</valueName>
        <value>006009</value>
      </geocode>
      <geocode>
        <valueName>SAME</valueName>
        <value>006003</value>
      </geocode>
    </area>
  </info>
  <info>
    <language>fr-FR</language>
    <category>Met</category>
    <event>Orage violent</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <expires>${capTime(expires, -7)}</expires>
    <headline>Avertissement d'orage violent</headline>
    <area>
      <areaDesc>Comté d'Alpine (Californie)</areaDesc>
    </area>
  </info>
</alert>`;
}

/** A.3: an earthquake report updating an earlier one (Update, Past, Minor), and that earlier one. */
export function earthquakeReport(version: 1 | 2, sent: number, firstSent: number): string {
  const update = version === 2;
  return `<?xml version = "1.0" encoding = "UTF-8"?>
<alert xmlns = "${CAP_NS}">
  <identifier>TRI13970876.${version}</identifier>
  <sender>trinet@caltech.edu</sender>
  <sent>${capTime(sent, -7)}</sent>
  <status>Actual</status>
  <msgType>${update ? 'Update' : 'Alert'}</msgType>
  <scope>Public</scope>
  ${update ? `<references>trinet@caltech.edu,TRI13970876.1,${capTime(firstSent, -7)}</references>` : ''}
  <info>
    <category>Geo</category>
    <event>Earthquake</event>
    <urgency>Past</urgency>
    <severity>Minor</severity>
    <certainty>Observed</certainty>
    <senderName>Southern California Seismic Network (TriNet) operated by Caltech and USGS</senderName>
    <headline>EQ ${update ? '3.4' : '3.6'} Imperial County CA</headline>
    <description>A minor earthquake measuring ${update ? '3.4' : '3.6'} on the Richter scale occurred near Brawley, California at 8:30 PM Pacific Daylight Time on Wednesday, June 11, 2003.${update ? ' (This event has now been reviewed by a seismologist)' : ''}</description>
    <web>http://www.trinet.org/scsn/scsn.html</web>
    <parameter>
      <valueName>EventID</valueName>
      <value>13970876</value>
    </parameter>
    <parameter>
      <valueName>Version</valueName>
      <value>${version}</value>
    </parameter>
    <area>
      <areaDesc>1 mi. WSW of Brawley, CA; 11 mi. N of El Centro, CA; 30 mi. E of OCOTILLO (quarry); 1 mi. N of the Imperial Fault</areaDesc>
      <circle>32.9525,-115.5527 0</circle>
      <geocode>
        <valueName>TriNet</valueName>
        <value>Imperial</value>
      </geocode>
    </area>
  </info>
</alert>`;
}

export interface PrefectureMessage {
  identifier: string;
  sent: number;
  msgType?: 'Alert' | 'Update' | 'Cancel';
  status?: string;
  references?: { identifier: string; sent: number }[];
  severity?: string;
  urgency?: string;
  headline?: string;
  expires?: number;
}

const PREFECTURE = 'pref-hauts-de-seine@interieur.gouv.fr';

/** A prefecture's message (French), as an `<alert>` element. */
export function prefectureAlert(m: PrefectureMessage): string {
  return `<alert xmlns="${CAP_NS}">
    <identifier>${m.identifier}</identifier>
    <sender>${PREFECTURE}</sender>
    <sent>${capTime(m.sent, 1)}</sent>
    <status>${m.status ?? 'Actual'}</status>
    <msgType>${m.msgType ?? 'Alert'}</msgType>
    <scope>Public</scope>
    ${m.references ? `<references>${m.references.map((r) => `${PREFECTURE},${r.identifier},${capTime(r.sent, 1)}`).join(' ')}</references>` : ''}
    <info>
      <language>fr-FR</language>
      <category>Met</category>
      <event>Vents violents</event>
      <urgency>${m.urgency ?? 'Expected'}</urgency>
      <severity>${m.severity ?? 'Moderate'}</severity>
      <certainty>Likely</certainty>
      ${m.expires ? `<expires>${capTime(m.expires, 1)}</expires>` : ''}
      <senderName>Préfecture des Hauts-de-Seine</senderName>
      <headline>${m.headline ?? 'Vigilance orange vents violents'}</headline>
      <description>Rafales de 100 à 120 km/h attendues en fin de journée.</description>
      <area><areaDesc>Hauts-de-Seine (92)</areaDesc><geocode><valueName>INSEE</valueName><value>92</value></geocode></area>
    </info>
  </alert>`;
}

/** An Atom feed whose entries embed the messages, as many national services publish. */
export function atomOfAlerts(alerts: { id: string; updated: number; xml: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="${CAP_NS}">
  <id>urn:feed:prefecture-92</id>
  <title>Alertes de la préfecture</title>
  <updated>${new Date(Math.max(0, ...alerts.map((a) => a.updated))).toISOString()}</updated>
  ${alerts
    .map(
      (a) => `<entry>
    <id>${a.id}</id>
    <title>Alerte</title>
    <updated>${new Date(a.updated).toISOString()}</updated>
    <content type="application/cap+xml">${a.xml.replace(/<\?xml[^>]*\?>/, '')}</content>
  </entry>`,
    )
    .join('\n  ')}
</feed>`;
}

/** An RSS 2.0 feed whose items link to the CAP documents (the Google Public Alerts / NWS shape). */
export function rssOfLinks(items: { guid: string; url: string; title: string; pubDate: number }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>CAP feed</title>
    <link>https://alerts.example.org/</link>
    <description>Alerts</description>
    ${items
      .map(
        (i) => `<item>
      <title>${i.title}</title>
      <link>${i.url}</link>
      <guid isPermaLink="false">${i.guid}</guid>
      <pubDate>${new Date(i.pubDate).toUTCString()}</pubDate>
    </item>`,
      )
      .join('\n    ')}
  </channel>
</rss>`;
}

/** The classic entity-expansion attack ("billion laughs"). */
export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<alert xmlns="${CAP_NS}"><identifier>&lol9;</identifier></alert>`;

/** A town's news, RSS 2.0 with HTML in titles (escaped) and descriptions, as CMSs write them. */
export function townNewsRss(items: { guid: string; title: string; pubDate: number | null }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Actualités de la ville</title>
    <link>https://www.ville.example.fr/actualites</link>
    <description>Les dernières actualités</description>
    <language>fr</language>
    ${items
      .map(
        (i) => `<item>
      <title>${i.title}</title>
      <link>https://www.ville.example.fr/actualites/${i.guid}</link>
      <description>&lt;p&gt;Lire la suite sur le site.&lt;/p&gt;</description>
      <guid isPermaLink="false">${i.guid}</guid>
      ${i.pubDate === null ? '' : `<pubDate>${new Date(i.pubDate).toUTCString()}</pubDate>`}
    </item>`,
      )
      .join('\n    ')}
  </channel>
</rss>`;
}

/** The same news as Atom 1.0, titles typed html. */
export function townNewsAtom(items: { id: string; title: string; updated: number }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Actualités</title>
  <id>https://www.ville.example.fr/</id>
  <updated>${new Date(Math.max(0, ...items.map((i) => i.updated))).toISOString()}</updated>
  ${items
    .map(
      (i) => `<entry>
    <title type="html">${i.title}</title>
    <link rel="alternate" href="https://www.ville.example.fr/a/${i.id}"/>
    <id>tag:ville.example.fr,2026:${i.id}</id>
    <updated>${new Date(i.updated).toISOString()}</updated>
    <summary>Résumé</summary>
  </entry>`,
    )
    .join('\n  ')}
</feed>`;
}
