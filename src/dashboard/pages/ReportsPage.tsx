import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import { AccuracyList, ImpressionList, PowerReport, ScreenList, WaitComparison } from '../../shared/adminApi.js';
import { toUtcTime } from '../../shared/ids.js';
import { ActionFailure, useAction } from '../components/ActionFailure.js';
import { ChartCanvas } from '../components/ChartCanvas.js';
import { DataTable } from '../components/DataTable.js';
import { SelectField } from '../components/Field.js';
import { ReachSection } from '../components/ReachSection.js';
import { colorOf } from '../palette.js';
import { dayBounds, daysFrom, localDay } from '../calendarDay.js';
import { airtime } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { useCanEverywhere } from '../permissions.js';
import { accuracyOf, airtimePerPlaylist, airtimePerZone, personSecondsPerDay, playsPerItemPerDay, waitSeries, type PlaysTable } from '../reportFigures.js';
import { usePoll } from '../usePoll.js';
import { saveFile } from '../saveFile.js';
import { serviceLabel, useSiteServiceNames } from '../serviceNames.js';

/**
 * Proof of play (plays per item per day, airtime per playlist and per zone, CSV), audience-weighted
 * airtime, reach and frequency among the people waiting, screens asleep and energy saved, and
 * waits, estimated against realized.
 */

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function rangeQuery(since: string, until: string): string {
  const from = new Date(`${since}T00:00:00`).getTime();
  const to = new Date(`${until}T00:00:00`).getTime() + 86_400_000;
  return `since=${encodeURIComponent(toUtcTime(from))}&until=${encodeURIComponent(toUtcTime(to))}`;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(Math.floor(minutes % 60)).padStart(2, '0')}`;
}

export function ReportsPage({ api }: { api: HubApi }) {
  const { t, locale } = useStrings();
  const canEverywhere = useCanEverywhere();
  const [since, setSince] = useState(() => localDay(-6));
  const [until, setUntil] = useState(() => localDay(0));
  const query = rangeQuery(since, until);
  const impressions = usePoll(() => api.get(`/api/impressions?${query}`, ImpressionList), 10_000, [api, query]);
  const list = impressions.data?.impressions ?? [];
  const plays = useMemo(() => playsPerItemPerDay(list, BROWSER_ZONE, daysFrom(since, until)), [list, since, until]);
  const dayLabel = (day: string): string => new Date(`${day}T12:00:00`).toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  const shares = useMemo(() => airtimePerPlaylist(list), [list]);
  const zoneShares = useMemo(() => airtimePerZone(list), [list]);
  const range = useMemo(() => daysFrom(since, until), [since, until]);
  const weightedItems = useMemo(() => personSecondsPerDay(list, 'item', BROWSER_ZONE, range), [list, range]);
  const weightedPlaylists = useMemo(() => personSecondsPerDay(list, 'playlist', BROWSER_ZONE, range), [list, range]);
  const screens = usePoll(() => api.get('/api/screens', ScreenList), null, [api]);
  const sites = [...new Set((screens.data?.screens ?? []).map((s) => s.site))].sort();

  const playsChart = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: plays.days.map(dayLabel),
        datasets: plays.items.map((item, k) => ({ label: item, data: plays.days.map((day) => plays.plays[item]?.[day] ?? 0), backgroundColor: colorOf(k) })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [plays, locale],
  );
  const airtimeChart = useMemo<ChartConfiguration>(
    () => ({
      type: 'doughnut',
      data: { labels: shares.map((s) => s.playlistId), datasets: [{ data: shares.map((s) => Math.round(s.ms / 1000)), backgroundColor: shares.map((_, k) => colorOf(k)) }] },
      options: { plugins: { legend: { position: 'right' } } },
    }),
    [shares],
  );

  const { run, failure } = useAction();
  const exportCsv = (): Promise<void> =>
    run(async () => {
      const blob = await api.blob(`/api/impressions?${query}&format=csv`);
      if (!blob) return;
      saveFile(blob, `diffusions-${since}-${until}.csv`);
    });

  return (
    <>
      <h1>{t.reportsTitle}</h1>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="report-since">{t.since}</label>
          <input id="report-since" type="date" value={since} max={until} onChange={(e) => e.target.value && setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="report-until">{t.until}</label>
          <input id="report-until" type="date" value={until} min={since} onChange={(e) => e.target.value && setUntil(e.target.value)} />
        </div>
        <button type="button" className="secondary" onClick={() => void exportCsv()}>
          {t.exportCsv}
        </button>
      </form>
      <ActionFailure failure={failure} />
      {impressions.error ? <p className="error">{impressions.error}</p> : null}

      <section className="card" aria-labelledby="plays-title">
        <h2 id="plays-title">{t.playsTitle}</h2>
        {list.length === 0 ? (
          <p>{impressions.data ? t.noImpressions : t.loading}</p>
        ) : (
          <>
            <ChartCanvas config={playsChart} label={t.playsTitle} />
            <DataTable data-report="plays" caption={t.playsCaption} columns={[t.colItem, ...plays.days.map(dayLabel)]}>
            {plays.items.map((item) => (
              <tr key={item} data-item={item}>
                <th scope="row">{item}</th>
                {plays.days.map((day) => (
                  <td key={day} data-day={day}>
                    {plays.plays[item]?.[day] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
            </DataTable>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="airtime-title">
        <h2 id="airtime-title">{t.airtimeTitle}</h2>
        {shares.length === 0 ? (
          <p>{impressions.data ? t.noImpressions : t.loading}</p>
        ) : (
          <div className="split">
            <ChartCanvas config={airtimeChart} label={t.airtimeTitle} height={240} />
            <ShareTable report="airtime" head={t.colPlaylist} shares={shares.map((share) => ({ key: share.playlistId, ms: share.ms, share: share.share }))} keyAttribute="data-playlist" />
          </div>
        )}
        {zoneShares.length > 0 ? (
          <>
            <h3 id="zone-airtime-title">{t.zoneAirtimeTitle}</h3>
            <ShareTable report="zone-airtime" labelledBy="zone-airtime-title" head={t.colZone} shares={zoneShares.map((share) => ({ key: share.zoneId, ms: share.ms, share: share.share }))} keyAttribute="data-zone" />
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="audience-title">
        <h2 id="audience-title">{t.audienceTitle}</h2>
        <p className="help">{t.audienceHelp}</p>
        {list.length === 0 ? (
          <p>{impressions.data ? t.noImpressions : t.loading}</p>
        ) : list.every((impression) => impression.audience === null) ? (
          // No screen of these showings had queue data: a table of zeros would read as an empty room.
          <p data-audience-unknown="">{t.audienceUnknown}</p>
        ) : (
          <>
            <PerDayTable table={weightedItems} report="person-seconds-item" caption={t.audienceItemCaption} head={t.colItem} dayLabel={dayLabel} />
            <PerDayTable table={weightedPlaylists} report="person-seconds-playlist" caption={t.audiencePlaylistCaption} head={t.colPlaylist} dayLabel={dayLabel} />
          </>
        )}
      </section>

      <ReachSection api={api} sites={sites} screens={screens.data?.screens ?? []} query={query} />

      {canEverywhere('reports.read') ? <EnergyReport api={api} query={query} /> : null}

      <WaitReport api={api} screens={screens.data?.screens ?? []} />
    </>
  );
}

/** Screens asleep when the building is closed: hours off and black per screen over the chosen days, and the energy saved. */
function EnergyReport({ api, query }: { api: HubApi; query: string }) {
  const { t, locale } = useStrings();
  const report = usePoll(() => api.get(`/api/power/report?${query}`, PowerReport), 30_000, [api, query]);
  const hours = (h: number): string => h.toLocaleString(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const kwh = (k: number): string => k.toLocaleString(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const rows = report.data?.screens ?? [];
  return (
    <section className="card" aria-labelledby="energy-title">
      <h2 id="energy-title">{t.energyTitle}</h2>
      {report.error ? <p className="error">{report.error}</p> : null}
      {rows.length === 0 ? (
        <p>{report.data ? t.noPowerData : t.loading}</p>
      ) : (
        <DataTable
          data-report="power"
          caption={t.energyCaption}
          columns={[t.colScreen, t.colSite, t.colHoursOn, t.colHoursOff, t.colHoursBlack, t.colHoursScheduled, t.colWatts, t.colKwh]}
          foot={
            <tr data-total="">
              <th scope="row">{t.total}</th>
              <td />
              <td />
              <td>{hours(report.data!.totals.hoursOff)}</td>
              <td>{hours(report.data!.totals.hoursBlack)}</td>
              <td />
              <td />
              <td data-kwh={report.data!.totals.kWhSaved}>{kwh(report.data!.totals.kWhSaved)}</td>
            </tr>
          }
        >
          {rows.map((row) => (
            <tr key={row.screen} data-screen={row.screen}>
              <th scope="row">{row.screen}</th>
              <td>{row.site}</td>
              <td>{hours(row.hoursOn)}</td>
              <td data-hours-off={row.hoursOff}>{hours(row.hoursOff)}</td>
              <td>{hours(row.hoursBlack)}</td>
              <td>{row.scheduledHoursAsleep === null || row.scheduledHoursAsleep === undefined ? '–' : hours(row.scheduledHoursAsleep)}</td>
              <td>{row.watts ?? '–'}</td>
              <td data-kwh={row.kWhSaved ?? ''}>{row.kWhSaved === null ? <span className="muted">{t.noWatts}</span> : kwh(row.kWhSaved)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

/** Airtime and share of airtime per playlist (or per zone): one row each. */
function ShareTable({ report, labelledBy, head, shares, keyAttribute }: { report: string; labelledBy?: string; head: string; shares: readonly { key: string; ms: number; share: number }[]; keyAttribute: `data-${string}` }) {
  const { t, locale } = useStrings();
  return (
    <DataTable data-report={report} aria-labelledby={labelledBy} wrap={false} columns={[head, t.colAirtime, t.colShare]}>
      {shares.map((share) => (
        <tr key={share.key} {...{ [keyAttribute]: share.key }}>
          <th scope="row">{share.key}</th>
          <td>{airtime(share.ms)}</td>
          <td>{share.share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 1 })}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** A table of person-seconds per row key per day, with each row's total. */
function PerDayTable({ table, report, caption, head, dayLabel }: { table: PlaysTable; report: string; caption: string; head: string; dayLabel: (day: string) => string }) {
  const { t, locale } = useStrings();
  const format = (n: number): string => Math.round(n).toLocaleString(locale);
  return (
    <DataTable data-report={report} caption={caption} columns={[head, ...table.days.map(dayLabel), t.colTotal]}>
      {table.items.map((key) => {
        const row = table.plays[key] ?? {};
        return (
          <tr key={key} data-key={key}>
            <th scope="row">{key}</th>
            {table.days.map((day) => (
              <td key={day} data-day={day} data-value={row[day] ?? 0}>
                {format(row[day] ?? 0)}
              </td>
            ))}
            <td data-total={Object.values(row).reduce((sum, n) => sum + n, 0)}>{format(Object.values(row).reduce((sum, n) => sum + n, 0))}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** `screens`: the page's list of the hub's screens (its sites, their zones, their service names). */
function WaitReport({ api, screens }: { api: HubApi; screens: ScreenList['screens'] }) {
  const { t, locale } = useStrings();
  const sites = [...new Set(screens.map((s) => s.site))];
  const [chosenSite, setSite] = useState<string>('');
  const site = chosenSite || sites[0] || '';
  const [day, setDay] = useState(() => localDay(0));
  const zone = screens.find((s) => s.site === site)?.timezone ?? BROWSER_ZONE;
  const bounds = dayBounds(day, zone);
  const waitsQuery = `since=${encodeURIComponent(toUtcTime(bounds.from))}&until=${encodeURIComponent(toUtcTime(bounds.until))}`;
  const waits = usePoll(async () => (site ? api.get(`/api/sites/${encodeURIComponent(site)}/waits?${waitsQuery}`, WaitComparison) : { points: [] }), 30_000, [api, site, waitsQuery]);
  const accuracy = usePoll(async () => (site ? api.get(`/api/sites/${encodeURIComponent(site)}/accuracy`, AccuracyList) : { accuracy: [] }), 30_000, [api, site, day]);
  const names = useSiteServiceNames(api, site, screens);
  const label = (service: string): string => serviceLabel(service, names);
  const series = useMemo(() => waitSeries(waits.data?.points ?? [], zone), [waits.data, zone]);
  const chart = useMemo<ChartConfiguration>(
    () => ({
      type: 'scatter',
      data: {
        datasets: series.flatMap((s, k) => [
          { label: `${label(s.service)} — ${t.estimated}`, data: s.estimated, borderColor: colorOf(k), backgroundColor: colorOf(k), showLine: true, pointRadius: 2 },
          { label: `${label(s.service)} — ${t.realized}`, data: s.realized, borderColor: colorOf(k), backgroundColor: '#ffffff', pointStyle: 'rectRot', pointRadius: 4, showLine: false },
        ]),
      },
      options: {
        scales: {
          x: { type: 'linear', ticks: { callback: (value) => hhmm(Number(value)), stepSize: 60 } },
          y: { beginAtZero: true, title: { display: true, text: t.minutes } },
        },
      },
    }),
    [series, t, names],
  );
  const rows = accuracyOf(accuracy.data?.accuracy ?? [], day);

  return (
    <section className="card" aria-labelledby="waits-title">
      <h2 id="waits-title">{t.waitsTitle}</h2>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <SelectField id="waits-site" label={t.site} value={site} choices={sites} onChange={setSite} />
        <div className="field">
          <label htmlFor="waits-day">{t.timelineDay}</label>
          <input id="waits-day" type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </div>
      </form>
      {waits.error ? <p className="error">{waits.error}</p> : null}
      {series.length === 0 ? (
        <p>{waits.data ? t.noWaits : t.loading}</p>
      ) : (
        <ChartCanvas config={chart} label={t.waitsTitle} />
      )}
      <h3>{t.accuracyTitle}</h3>
      <DataTable data-report="accuracy" wrap={false} columns={[t.colService, t.colTickets, t.colMae, t.colCoverage]} empty={rows.length === 0 ? t.noAccuracy : null}>
        {rows.map((row) => (
          <tr key={row.service}>
            <th scope="row" data-service={row.service}>
              {label(row.service)}
            </th>
            <td>{row.estimates}</td>
            <td>{row.meanAbsoluteErrorMin?.toLocaleString(locale, { maximumFractionDigits: 1 }) ?? '–'}</td>
            <td>{row.coverage?.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 0 }) ?? '–'}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
