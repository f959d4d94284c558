import type { PowerReport } from '../shared/adminApi.js';

/** `antichambre-hub power report`: one line per screen (hours on, off, black; hours asleep by its schedule; watts; kWh saved), then the totals. */
export function powerReportText(report: PowerReport): string {
  const hours = (h: number): string => h.toFixed(1);
  const header = ['screen', 'site', 'hours on', 'hours off', 'hours black', 'by schedule', 'watts', 'kWh saved'];
  const rows = report.screens.map((row) => [
    row.screen,
    row.site,
    hours(row.hoursOn),
    hours(row.hoursOff),
    hours(row.hoursBlack),
    row.scheduledHoursAsleep === null || row.scheduledHoursAsleep === undefined ? '-' : hours(row.scheduledHoursAsleep),
    row.watts === null ? '-' : String(row.watts),
    row.kWhSaved === null ? '- (no watts set)' : row.kWhSaved.toFixed(2),
  ]);
  rows.push(['total', '', '', hours(report.totals.hoursOff), hours(report.totals.hoursBlack), '', '', report.totals.kWhSaved.toFixed(2)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [`${report.since} to ${report.until}`, line(header), ...rows.map(line)].join('\n');
}
