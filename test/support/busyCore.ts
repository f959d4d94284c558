import { spawn, type ChildProcess } from 'node:child_process';

/**
 * One CPU core kept busy by a child process spinning in a loop, as on a kiosk PC that does
 * something else (an antivirus scan, an update): started by a test, stopped by it (by its pid).
 */
export interface BusyCore {
  stop(): Promise<void>;
}

export async function startBusyCore(): Promise<BusyCore> {
  const child: ChildProcess = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  await new Promise<void>((started, failed) => {
    child.once('spawn', started);
    child.once('error', failed);
  });
  return {
    stop: () =>
      new Promise<void>((stopped) => {
        if (child.exitCode !== null || child.signalCode !== null) return stopped();
        child.once('exit', () => stopped());
        child.kill('SIGKILL');
      }),
  };
}
