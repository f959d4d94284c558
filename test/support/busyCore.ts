import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

/**
 * One CPU core kept busy by a child process spinning in a loop, as on a kiosk PC that does
 * something else (an antivirus scan, an update): started by a test, stopped by it (by its pid).
 *
 * When the machine is busy already (the last minute's load average at least its number of
 * cores: the suite's other files running beside this one, as in CI), no loop is started: it
 * would only take the cores from them and make the whole run longer. `why` says which.
 */
export interface BusyCore {
  /** Whether it spins, and why, for a test's message. */
  readonly why: string;
  stop(): Promise<void>;
}

export async function startBusyCore(): Promise<BusyCore> {
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  if (load >= cores) return { why: `busy already (load average ${load.toFixed(1)} on ${cores} cores): no loop`, stop: async () => {} };
  const child: ChildProcess = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  await new Promise<void>((started, failed) => {
    child.once('spawn', started);
    child.once('error', failed);
  });
  return {
    why: `one core kept busy (load average ${load.toFixed(1)} on ${cores} cores)`,
    stop: () =>
      new Promise<void>((stopped) => {
        if (child.exitCode !== null || child.signalCode !== null) return stopped();
        child.once('exit', () => stopped());
        child.kill('SIGKILL');
      }),
  };
}
