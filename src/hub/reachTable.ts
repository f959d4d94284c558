import type { ReachReport } from '../shared/adminApi.js';

/** `antichambre-hub reach`: each day and service, then its items, highest reach first, readable in a terminal. */
export function reachLines(report: ReachReport): string[] {
  const lines = [`reach at ${report.site} (${report.timezone}), ${report.since} to ${report.until}, screens: ${report.screens.join(', ') || '(none)'}`];
  if (report.groups.length === 0) lines.push('no ticket called in that period');
  for (const group of report.groups) {
    lines.push('', `${group.day}  ${group.service}  ${group.people} ${group.people === 1 ? 'person' : 'people'} waited, median ${group.medianWaitMin.toFixed(1)} min`);
    const rows = report.rows.filter((r) => r.day === group.day && r.service === group.service);
    const width = Math.max(0, ...rows.map((r) => r.playlistId.length + r.itemId.length + 1));
    for (const r of rows) {
      const among = r.frequencyAmongReached === null ? '' : ` (${r.frequencyAmongReached.toFixed(1)} among those reached)`;
      lines.push(`  ${`${r.playlistId}/${r.itemId}`.padEnd(width)}  reach ${String(Math.round(r.reach * 100)).padStart(3)} % (${r.reached}/${r.people})  frequency ${r.frequency.toFixed(1)}${among}`);
    }
  }
  return lines;
}
