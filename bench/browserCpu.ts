import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) of every process this one started, and theirs (the browser's processes), in seconds. Linux. */
export function childrenCpuSeconds(root = process.pid): number {
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux everywhere Node runs
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name (2nd field) may hold spaces: the fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(entry), Number(fields[1]));
    cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
  }
  let total = 0;
  for (const [pid, seconds] of cpu) {
    let up = parent.get(pid);
    while (up !== undefined && up !== root && up > 1) up = parent.get(up);
    if (up === root) total += seconds;
  }
  return total;
}
