import { afterAll, describe, expect, it } from 'vitest';
import { readCapDocument, readCapFeed } from '../../src/hub/feeds/capDocument.js';
import { decodeXml, FeedError, XmlReader, type XmlNode } from '../../src/hub/feeds/feedXml.js';
import { plainText, readNewsFeed } from '../../src/hub/feeds/newsDocument.js';
import { capAction, CapLevels, newsItems, NewsOptions } from '../../src/shared/feeds.js';
import { Playlist } from '../../src/shared/playlist.js';
import {
  atomOfAlerts,
  BILLION_LAUGHS,
  earthquakeReport,
  homelandSecurityAlert,
  prefectureAlert,
  rssOfLinks,
  thunderstormWarning,
  townNewsAtom,
  townNewsRss,
} from '../support/feedSamples.js';

const NOW = Date.parse('2026-12-02T10:00:00.000Z');
const MIN = 60_000;
const levels = CapLevels.parse({});

/** The hub's reader (a worker thread), one for the file. */
const reader = new XmlReader();
afterAll(() => reader.close());
const readXml = (text: string, what: string): Promise<XmlNode> => reader.read(text, what);

describe('CAP 1.2 documents (the standard Appendix A examples)', () => {
  it('reads A.1 with its offset time in UTC and makes an urgent alert of Immediate/Severe, shown the default 12 h', async () => {
    const message = readCapDocument(await readXml(homelandSecurityAlert(NOW - 5 * MIN), 'a1'), 'a1');
    expect(message).toMatchObject({ identifier: '43b080713727', sender: 'hsas@dhs.gov', sent: '2026-12-02T09:55:00.000Z', status: 'Actual', msgType: 'Alert' });
    expect(capAction(message, levels, NOW)).toEqual({
      end: [],
      show: {
        key: 'hsas@dhs.gov 43b080713727',
        level: 'urgent',
        text: 'Homeland Security Sets Code ORANGE (U.S. nationwide and interests worldwide) — A High Threat Condition is declared when there is a high risk of terrorist attacks.',
        until: '2026-12-02T21:55:00.000Z',
      },
    });
  });

  it('reads A.2 and prefers its French info block; expiry from <expires>', async () => {
    const message = readCapDocument(await readXml(thunderstormWarning(NOW - MIN, NOW + 60 * MIN), 'a2'), 'a2');
    expect(message.infos.map((i) => i.language)).toEqual(['en-US', 'fr-FR']);
    const action = capAction(message, levels, NOW);
    expect(action.show).toEqual({ key: 'KSTO@NWS.NOAA.GOV KSTO1055887203', level: 'urgent', text: "Avertissement d'orage violent (Comté d'Alpine (Californie))", until: '2026-12-02T11:00:00.000Z' });
    // In English when asked, and an info band (not the whole screen) when only Extreme is urgent.
    const english = capAction(message, CapLevels.parse({ language: 'en', urgentSeverities: ['Extreme'] }), NOW);
    expect(english.show?.level).toBe('info');
    expect(english.show?.text).toMatch(/^SEVERE THUNDERSTORM WARNING \(EXTREME NORTH CENTRAL TUOLUMNE/);
    // An info band says what happens; the urgent screen also what to do.
    expect(english.show?.text).not.toContain('TAKE COVER');
    expect(capAction(message, CapLevels.parse({ language: 'en' }), NOW).show?.text).toMatch(/COUNTY IN CALIFORNIA\) — TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES\.$/);
    // Once expired, it is ended and not shown.
    expect(capAction(message, levels, NOW + 61 * MIN)).toMatchObject({ show: null, end: ['KSTO@NWS.NOAA.GOV KSTO1055887203'] });
  });

  it('reads A.3 as an Update that ends the message it references; Minor is below a Moderate threshold', async () => {
    const message = readCapDocument(await readXml(earthquakeReport(2, NOW - MIN, NOW - 30 * MIN), 'a3'), 'a3');
    expect(message.references).toEqual([{ sender: 'trinet@caltech.edu', identifier: 'TRI13970876.1', sent: expect.stringMatching(/^2026-12-02T09:30:00-07:00$|^2026-12-02T02:30:00-07:00$/) }]);
    const action = capAction(message, levels, NOW);
    expect(action.end).toEqual(['trinet@caltech.edu TRI13970876.1']);
    expect(action.show).toMatchObject({ key: 'trinet@caltech.edu TRI13970876.2', level: 'info', text: expect.stringContaining('EQ 3.4 Imperial County CA') });
    expect(capAction(message, CapLevels.parse({ minSeverity: 'Moderate' }), NOW)).toMatchObject({ end: ['trinet@caltech.edu TRI13970876.1'], show: null, skipped: 'severity Minor below Moderate' });
  });

  it('waits for a message whose effective time is to come', async () => {
    const xml = prefectureAlert({ identifier: 'soon', sent: NOW }).replace('<senderName>', `<effective>2026-12-02T12:00:00+01:00</effective><senderName>`);
    const message = readCapDocument(await readXml(xml, 'soon'), 'soon');
    expect(capAction(message, levels, NOW)).toEqual({ end: [], show: null, skipped: 'effective from 2026-12-02T11:00:00.000Z', later: true });
    expect(capAction(message, levels, Date.parse('2026-12-02T11:00:00.000Z'))).toMatchObject({ show: { level: 'info' } });
  });

  it('a Cancel ends what it references and itself; an Exercise or Test is never shown', async () => {
    const cancel = readCapDocument(await readXml(prefectureAlert({ identifier: 'v2', sent: NOW, msgType: 'Cancel', references: [{ identifier: 'v1', sent: NOW - MIN }] }), 'c'), 'c');
    expect(capAction(cancel, levels, NOW)).toEqual({ end: ['pref-hauts-de-seine@interieur.gouv.fr v1', 'pref-hauts-de-seine@interieur.gouv.fr v2'], show: null });
    const exercise = readCapDocument(await readXml(prefectureAlert({ identifier: 'x', sent: NOW, status: 'Exercise', severity: 'Extreme', urgency: 'Immediate' }), 'x'), 'x');
    expect(capAction(exercise, levels, NOW)).toEqual({ end: [], show: null, skipped: 'status Exercise' });
    const restricted = readCapDocument(await readXml(prefectureAlert({ identifier: 'r', sent: NOW }).replace('<scope>Public</scope>', '<scope>Restricted</scope><restriction>Services de l’État</restriction>'), 'r'), 'r');
    expect(capAction(restricted, levels, NOW)).toEqual({ end: [], show: null, skipped: 'scope Restricted' });
  });

  it('a message with a blank headline and event says its description; with no text at all it shows nothing (never an empty alert)', async () => {
    const blank = (xml: string) => xml.replace('<event>Vents violents</event>', '<event> </event>');
    const described = readCapDocument(await readXml(blank(prefectureAlert({ identifier: 'd', sent: NOW, headline: ' ' })), 'd'), 'd');
    expect(capAction(described, levels, NOW).show?.text).toBe('Rafales de 100 à 120 km/h attendues en fin de journée. (Hauts-de-Seine (92))');
    const mute = readCapDocument(await readXml(blank(prefectureAlert({ identifier: 'm', sent: NOW, headline: '' })).replace(/<description>[^<]*<\/description>/, ''), 'm'), 'm');
    expect(capAction(mute, levels, NOW)).toEqual({ end: [], show: null, skipped: 'no text to show: no headline, event or description' });
  });

  it('reads an Atom feed embedding messages and an RSS feed linking to them', async () => {
    const atom = readCapFeed(
      await readXml(atomOfAlerts([{ id: 'e1', updated: NOW, xml: prefectureAlert({ identifier: 'v1', sent: NOW }) }, { id: 'e2', updated: NOW, xml: thunderstormWarning(NOW, NOW + MIN) }]), 'atom'),
      'atom',
    );
    expect(atom.messages.map((m) => m.identifier)).toEqual(['v1', 'KSTO1055887203']);
    expect(atom.links).toEqual([]);
    const rss = readCapFeed(await readXml(rssOfLinks([{ guid: 'g1', url: 'http://127.0.0.1:1/cap/a1.xml', title: 'ORANGE', pubDate: NOW }]), 'rss'), 'rss');
    expect(rss.messages).toEqual([]);
    expect(rss.links).toEqual([{ key: `g1 ${new Date(NOW).toUTCString()}`, url: 'http://127.0.0.1:1/cap/a1.xml' }]);
  });

  it('names what is wrong in a message that is not CAP, and keeps the others', async () => {
    const broken = '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>b</identifier><sender>s</sender><sent>2026-12-02T10:00:00Z</sent><status>Actual</status><msgType>Alert</msgType><info><event>E</event><urgency>Soon</urgency><severity>Severe</severity></info></alert>';
    const reading = readCapFeed(await readXml(atomOfAlerts([{ id: 'bad', updated: NOW, xml: broken }, { id: 'good', updated: NOW, xml: prefectureAlert({ identifier: 'v1', sent: NOW }) }]), 'f'), 'f');
    expect(reading.messages.map((m) => m.identifier)).toEqual(['v1']);
    expect(reading.problems).toEqual([expect.stringContaining('f entry[0]: not a CAP 1.2 message: infos[0].urgency: expected a CAP urgency')]);
  });
});

describe('XML hardening', () => {
  it('refuses entity declarations (billion laughs) before parsing', async () => {
    await expect(readXml(BILLION_LAUGHS, 'lol')).rejects.toThrow(FeedError);
    await expect(readXml(BILLION_LAUGHS, 'lol')).rejects.toThrow('lol: declares XML entities (refused: entity expansion)');
  });

  it('refuses a document that is not well-formed, naming it', async () => {
    await expect(readXml('<rss><channel><item></channel></rss>', 'news')).rejects.toThrow(/^news: not well-formed XML/);
  });
});

describe('the XML reader off the event loop (a worker thread)', () => {
  it('reads in its worker, refuses there too, and stops with close()', async () => {
    const own = new XmlReader();
    const feed = townNewsRss([{ guid: 'g', title: 'Fermé &lt;b&gt;lundi&lt;/b&gt;', pubDate: NOW }]);
    expect(readNewsFeed(await own.read(feed, 'rss'), 'rss')).toEqual([{ key: 'g', title: 'Fermé lundi', published: '2026-12-02T10:00:00.000Z' }]);
    await expect(own.read('<rss><channel><item></channel></rss>', 'news')).rejects.toThrow(/^news: not well-formed XML/);
    // A refusal leaves the worker reading.
    expect(await own.read(thunderstormWarning(NOW, NOW + MIN), 'a2')).toHaveProperty('alert');
    await own.close();
    await expect(own.read(feed, 'late')).rejects.toThrow('late: the hub is stopping');
  });
});

describe('news feeds', () => {
  it('reads RSS 2.0 with HTML stripped from titles and dates in UTC', async () => {
    const entries = readNewsFeed(
      await readXml(townNewsRss([{ guid: 'marche', title: 'March&amp;eacute; de No&amp;euml;l : &lt;b&gt;place de la mairie&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;', pubDate: NOW - 60 * MIN }]), 'rss'),
      'rss',
    );
    expect(entries).toEqual([{ key: 'marche', title: 'Marché de Noël : place de la mairie', published: '2026-12-02T09:00:00.000Z' }]);
  });

  it('reads a feed in its own encoding (ISO-8859-1 declared, or a UTF-8 byte-order mark)', async () => {
    const latin1 = Buffer.from(townNewsRss([{ guid: 'fete', title: 'Fête de la musique : scène ouverte', pubDate: NOW }]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1');
    expect(latin1.includes(Buffer.from('é', 'utf8'))).toBe(false);
    expect(readNewsFeed(await readXml(decodeXml(latin1, 'application/rss+xml'), 'rss'), 'rss')[0]!.title).toBe('Fête de la musique : scène ouverte');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(townNewsRss([{ guid: 'n', title: 'Noël', pubDate: NOW }]), 'utf8')]);
    expect(readNewsFeed(await readXml(decodeXml(bom, 'text/xml; charset=iso-8859-1'), 'rss'), 'rss')[0]!.title).toBe('Noël');
    expect(() => decodeXml(Buffer.from('<?xml version="1.0" encoding="x-klingon"?><rss/>'), null)).toThrow('unknown character encoding "x-klingon"');
  });

  it('reads a large feed whose titles escape their HTML (13,500 &lt;, &gt; and &amp;, above the parser default of 10,000)', async () => {
    const items = Array.from({ length: 1_500 }, (_, i) => ({ guid: `g${i}`, title: `Titre &lt;b&gt;n&amp;deg;${i}&lt;/b&gt;`, pubDate: NOW - i * MIN }));
    const entries = readNewsFeed(await readXml(townNewsRss(items), 'big'), 'big');
    expect(entries).toHaveLength(1_500);
    expect(entries[1_499]!.title).toBe('Titre n°1499');
  });

  it('reads Atom 1.0 with html titles', async () => {
    const entries = readNewsFeed(await readXml(townNewsAtom([{ id: 'travaux', title: 'Travaux &lt;em&gt;rue Victor-Hugo&lt;/em&gt; &amp;amp; d&amp;eacute;viation', updated: NOW }]), 'atom'), 'atom');
    expect(entries).toEqual([{ key: 'tag:ville.example.fr,2026:travaux', title: 'Travaux rue Victor-Hugo & déviation', published: '2026-12-02T10:00:00.000Z' }]);
  });

  it('strips HTML with a real parser (comments, nested tags, entities)', () => {
    expect(plainText('<p>Fermeture&nbsp;<!-- x --><a href="x">exceptionnelle</a></p><style>p{}</style> le 24&#160;d&eacute;cembre')).toBe('Fermeture exceptionnelle le 24 décembre');
  });

  it('makes ticker items: newest first, capped, cut, and each ending at its expiry even offline', () => {
    const options = NewsOptions.parse({ zone: 'bandeau', maxItems: 2, maxChars: 30, maxAgeHours: 24 });
    const entries = [
      { id: 'n-old', key: 'old', title: 'Trop ancienne', published: new Date(NOW - 25 * 3_600_000).toISOString(), firstSeen: '' },
      { id: 'n-a', key: 'a', title: 'Collecte des sapins le 8 janvier sur les points habituels', published: new Date(NOW - 2 * 3_600_000).toISOString(), firstSeen: '' },
      { id: 'n-b', key: 'b', title: 'Conseil municipal jeudi', published: new Date(NOW - 3_600_000).toISOString(), firstSeen: '' },
      { id: 'n-c', key: 'c', title: 'Sans date', published: null, firstSeen: new Date(NOW - 3 * 3_600_000).toISOString() },
    ];
    const items = newsItems(entries, options, NOW);
    expect(items).toEqual([
      { id: 'n-b', type: 'text', duration: 10, title: 'Conseil municipal jeudi', schedule: { timezone: 'UTC', until: '2026-12-03T09:00' } },
      { id: 'n-a', type: 'text', duration: 10, title: 'Collecte des sapins le 8 janv…', schedule: { timezone: 'UTC', until: '2026-12-03T08:00' } },
    ]);
    expect(Playlist.safeParse({ id: 'feed-actus', zone: 'bandeau', items }).success).toBe(true);
  });
});
