import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import { ReachReport, type ScreenList } from '../../shared/adminApi.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { colorOf } from '../palette.js';
import { reachByDay } from '../reportFigures.js';
import { usePoll } from '../usePoll.js';
import { ActionFailure, useAction } from './ActionFailure.js';
import { ChartCanvas } from './ChartCanvas.js';
import { DataTable } from './DataTable.js';
import { SelectField } from './Field.js';
import { saveFile } from '../saveFile.js';
import { serviceLabel, useSiteServiceNames } from '../serviceNames.js';

/**
 * Reach and frequency (issue 21): for a site, a day and a service, the share of the people who
 * waited that saw each item at least once whole, and how many times on average. The hub computes
 * them from the impressions and the realized waits (GET /api/sites/<site>/reach).
 */
export function ReachSection({ api, sites, screens, query }: { api: HubApi; sites: readonly string[]; screens: ScreenList['screens']; query: string }) {
  const { t, locale } = useStrings();
  const [chosenSite, setSite] = useState('');
  const site = chosenSite || sites[0] || '';
  const report = usePoll(async () => (site ? api.get(`/api/sites/${encodeURIComponent(site)}/reach?${query}`, ReachReport) : null), 30_000, [api, site, query]);
  const groups = report.data?.groups ?? [];
  const days = [...new Set(groups.map((g) => g.day))].sort().reverse();
  const [chosenDay, setDay] = useState('');
  const day = days.includes(chosenDay) ? chosenDay : (days[0] ?? '');
  const services = groups.filter((g) => g.day === day).map((g) => g.service);
  const [chosenService, setService] = useState('');
  const service = services.includes(chosenService) ? chosenService : (services[0] ?? '');
  const group = groups.find((g) => g.day === day && g.service === service);
  // The services as the site's screens name them (the report's rows have their ids, the ticket system's).
  const names = useSiteServiceNames(api, site, screens);
  const rows = useMemo(() => (report.data?.rows ?? []).filter((r) => r.day === day && r.service === service), [report.data, day, service]);
  const trend = useMemo(() => reachByDay(report.data?.rows ?? [], service), [report.data, service]);
  const percent = (share: number): string => share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 0 });
  const times = (n: number | null): string => (n === null ? '–' : n.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  const chart = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: rows.map((r) => `${r.playlistId}/${r.itemId}`),
        datasets: [{ label: t.colReach, data: rows.map((r) => Math.round(r.reach * 100)), backgroundColor: rows.map((_, k) => colorOf(k)) }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { min: 0, max: 100, title: { display: true, text: '%' } } } },
    }),
    [rows, t],
  );
  const { run, failure } = useAction();
  const exportCsv = (): Promise<void> =>
    run(async () => {
      const blob = await api.blob(`/api/sites/${encodeURIComponent(site)}/reach?${query}&format=csv`);
      if (!blob) return;
      saveFile(blob, `portee-${site}.csv`);
    });
  const dayLabel = (d: string): string => new Date(`${d}T12:00:00`).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long' });

  return (
    <section className="card" aria-labelledby="reach-title">
      <h2 id="reach-title">{t.reachTitle}</h2>
      <p className="help">{t.reachHelp}</p>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <SelectField id="reach-site" label={t.site} value={site} choices={sites} onChange={setSite} />
        <SelectField id="reach-day" label={t.timelineDay} value={day} choices={days.map((d) => ({ value: d, label: dayLabel(d) }))} onChange={setDay} />
        <SelectField id="reach-service" label={t.colService} value={service} choices={services.map((s) => ({ value: s, label: serviceLabel(s, names) }))} onChange={setService} />
        <button type="button" className="secondary" disabled={!site} onClick={() => void exportCsv()}>
          {t.exportReachCsv}
        </button>
      </form>
      <ActionFailure failure={failure} />
      {report.error ? <p className="error">{report.error}</p> : null}
      {!group ? (
        <p>{report.data ? t.noReach : t.loading}</p>
      ) : (
        <>
          <p data-reach-people={group.people}>{t.reachPeople(group.people, group.medianWaitMin.toLocaleString(locale, { maximumFractionDigits: 1 }))}</p>
          {rows.length > 0 ? <ChartCanvas config={chart} label={t.reachTitle} height={Math.max(160, 36 * rows.length + 60)} /> : null}
          <DataTable data-report="reach" caption={t.reachCaption} columns={[t.colItem, t.colReach, t.colFrequency, t.colFrequencyReached, t.colShowingsSeen]}>
            {rows.map((row) => (
              <tr key={`${row.playlistId}/${row.itemId}`} data-item={`${row.playlistId}/${row.itemId}`} data-reach={row.reach} data-frequency={row.frequency}>
                <th scope="row">
                  {row.playlistId}/{row.itemId}
                </th>
                <td>
                  {percent(row.reach)} ({row.reached}/{row.people})
                </td>
                <td>{times(row.frequency)}</td>
                <td>{times(row.frequencyAmongReached)}</td>
                <td>{row.showings}</td>
              </tr>
            ))}
          </DataTable>
          {trend.days.length > 1 ? (
            <DataTable
              data-report="reach-by-day"
              caption={t.reachByDayCaption(service)}
              columns={[t.colItem, ...trend.days.map((d) => new Date(`${d}T12:00:00`).toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' }))]}
            >
              {trend.items.map((item) => (
                <tr key={item} data-item={item}>
                  <th scope="row">{item}</th>
                  {trend.days.map((d) => (
                    <td key={d} data-day={d}>
                      {trend.reach[item]?.[d] === undefined ? '–' : percent(trend.reach[item]![d]!)}
                    </td>
                  ))}
                </tr>
              ))}
            </DataTable>
          ) : null}
        </>
      )}
    </section>
  );
}
