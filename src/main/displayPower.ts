import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { PowerState } from '../shared/powerSchedule.js';

/**
 * Powers the kiosk's display down when the building is closed, and up again, through what the
 * machine has, in this order:
 * - HDMI-CEC (`cec-client` of libCEC, Linux and Windows, with a CEC adapter or a Raspberry Pi):
 *   the TV goes to standby, its real energy saving; asked back its power status to confirm;
 * - X11: DPMS through `xset` (timeouts left off, so that only the schedule blanks it), confirmed
 *   by `xset q` ("Monitor is Off");
 * - Wayland on a wlroots compositor (labwc, sway, wayfire: Raspberry Pi OS): `wlopm --off '*'`.
 *   GNOME and KDE on Wayland offer no command a kiosk user may run without a session bus of
 *   theirs: there, and on Windows without CEC, nothing powers down;
 * else the page alone goes black (a black screen does not burn in): the state is then `black`.
 * Every command runs through an injected runner (tests give their own; no shell is involved).
 */

export interface CommandOutcome {
  /** Exit code; null when the command could not start (not installed) or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args` (never through a shell), `input` written to its stdin. */
export type CommandRunner = (command: string, args: readonly string[], input?: string) => Promise<CommandOutcome>;

export type DisplayMethod = 'cec' | 'dpms' | 'wlopm';

/** Electron's powerSaveBlocker, kept off while the display is meant to sleep. */
export interface SleepBlocker {
  start(): void;
  stop(): void;
}

export interface DisplayPowerDeps {
  run: CommandRunner;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  log(line: string): void;
  blocker?: SleepBlocker;
}

/** What the page asks over the bridge: the display on or off. */
export const DisplayPowerRequest = z.enum(['on', 'off'], { error: 'expected on or off' });
export type DisplayPowerRequest = z.infer<typeof DisplayPowerRequest>;

/** The longest a display command may take (a CEC bus scan takes a few seconds). */
export const COMMAND_TIMEOUT_MS = 15_000;

/** The real runner: `spawn` without a shell, a timeout, the output kept (at most 64 kB of each). */
export const spawnRunner: CommandRunner = (command, args, input) =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS, windowsHide: true });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: String(error) });
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-65_536)));
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-65_536)));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: stderr || String(error) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });

const CEC_CLIENT = 'cec-client';
/** `-s` one command from stdin then exit, `-d 1` errors only in the output. */
const CEC_ARGS = ['-s', '-d', '1'] as const;

function isWayland(env: DisplayPowerDeps['env']): boolean {
  return Boolean(env['WAYLAND_DISPLAY']) || env['XDG_SESSION_TYPE'] === 'wayland';
}

function firstLine(outcome: CommandOutcome): string {
  return (outcome.stderr || outcome.stdout).trim().split('\n')[0] ?? '';
}

export class DisplayPower {
  private methods: Promise<DisplayMethod[]> | null = null;
  /** The method that powered the display off (the one to power it on again). */
  private offBy: DisplayMethod | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Whether the display was asked anything since this process started. */
  private wokenOnce = false;

  constructor(private readonly deps: DisplayPowerDeps) {}

  /** What this machine has to power its display down, best first (found once). */
  available(): Promise<DisplayMethod[]> {
    this.methods ??= this.detect();
    return this.methods;
  }

  private async detect(): Promise<DisplayMethod[]> {
    const { run, platform, env, log } = this.deps;
    const found: DisplayMethod[] = [];
    const cec = await run(CEC_CLIENT, ['-l']);
    if (cec.code === 0 && /Found devices:\s*[1-9]/.test(cec.stdout)) found.push('cec');
    if (platform === 'linux' && !isWayland(env) && env['DISPLAY']) {
      const q = await run('xset', ['q']);
      if (q.code === 0 && /DPMS|Display Power Management/.test(q.stdout) && !/does not have the DPMS|not capable of DPMS/i.test(q.stdout + q.stderr)) found.push('dpms');
    }
    if (platform === 'linux' && isWayland(env)) {
      const outputs = await run('wlopm', []);
      if (outputs.code === 0) found.push('wlopm');
    }
    log(`display power: ${found.length > 0 ? found.join(', ') : `nothing to power the display down on ${platform}${isWayland(env) ? ' (Wayland without wlopm)' : ''}: the screen goes black instead`}`);
    return found;
  }

  /** Powers the display on or off; answers the state it is in (`black`: nothing could power it down). One change at a time, in order. */
  set(wanted: DisplayPowerRequest): Promise<PowerState> {
    const next = this.queue.then(() => (wanted === 'off' ? this.powerOff() : this.powerOn()));
    this.queue = next.catch(() => {});
    return next;
  }

  /** The app quits: a display this run powered down is powered up again (a technician is at the keyboard); one it did not is left alone. */
  wakeIfAsleep(): Promise<PowerState> {
    return this.offBy ? this.set('on') : Promise.resolve('on');
  }

  private async powerOff(): Promise<PowerState> {
    this.wokenOnce = true; // this run has taken the display in hand: an "on" wakes only what it powered down
    // Asked again while asleep: a display woken meanwhile (a mouse moved under DPMS, the TV's remote) is put back to sleep.
    if (this.offBy) {
      if (await this.isOn(this.offBy)) {
        this.deps.log(`display power: the display was woken while the building is closed; off again (${this.offBy})`);
        if (!(await this.off(this.offBy))) return 'black';
      }
      return 'off';
    }
    for (const method of await this.available()) {
      const done = await this.off(method);
      if (done) {
        this.offBy = method;
        this.deps.blocker?.stop();
        this.deps.log(`display power: off (${method})`);
        return 'off';
      }
    }
    return 'black';
  }

  private async powerOn(): Promise<PowerState> {
    // The first time in this run: a TV left in standby by a run that ended asleep (a power cut, a reboot at night) is woken.
    const method = this.offBy ?? (this.wokenOnce ? null : ((await this.available())[0] ?? null));
    this.wokenOnce = true;
    if (!method) return 'on';
    this.deps.blocker?.start();
    const done = await this.on(method);
    this.offBy = null;
    this.deps.log(done ? `display power: on (${method})` : `display power: on (${method}) not confirmed: the display may still be off`);
    return 'on';
  }

  private async off(method: DisplayMethod): Promise<boolean> {
    const { run, log } = this.deps;
    switch (method) {
      case 'cec': {
        const standby = await run(CEC_CLIENT, CEC_ARGS, 'standby 0\n');
        if (standby.code !== 0) return failed('cec standby', standby);
        const status = await run(CEC_CLIENT, CEC_ARGS, 'pow 0\n');
        // A TV that does not answer (`unknown`) is taken at its word; one that says `on` refused.
        const power = /power status:\s*([a-z ]+)/i.exec(status.stdout)?.[1]?.trim() ?? 'unknown';
        if (power === 'on') {
          log('display power: the TV answered "on" to standby over HDMI-CEC');
          return false;
        }
        return true;
      }
      case 'dpms': {
        // Timeouts off (only the schedule blanks the display), DPMS enabled, then off now.
        for (const args of [['dpms', '0', '0', '0'], ['+dpms'], ['dpms', 'force', 'off']]) {
          const outcome = await run('xset', args);
          if (outcome.code !== 0) return failed(`xset ${args.join(' ')}`, outcome);
        }
        const q = await run('xset', ['q']);
        if (/Monitor is (Off|in Standby|in Suspend)/.test(q.stdout)) return true;
        log(`display power: xset says "${/Monitor is [^\n]*/.exec(q.stdout)?.[0] ?? 'nothing of the monitor'}" after dpms force off`);
        return false;
      }
      case 'wlopm': {
        const outcome = await run('wlopm', ['--off', '*']);
        return outcome.code === 0 || failed('wlopm --off', outcome);
      }
    }

    function failed(what: string, outcome: CommandOutcome): false {
      log(`display power: ${what} failed (${outcome.code === null ? 'did not run' : `exit ${outcome.code}`}): ${firstLine(outcome)}`);
      return false;
    }
  }

  /** Whether a display powered down by `method` is on again (unknown: taken as still off; wlopm is simply asked to power off again). */
  private async isOn(method: DisplayMethod): Promise<boolean> {
    const { run } = this.deps;
    switch (method) {
      case 'cec':
        return /power status:\s*on\b/i.test((await run(CEC_CLIENT, CEC_ARGS, 'pow 0\n')).stdout);
      case 'dpms':
        return /Monitor is On/.test((await run('xset', ['q'])).stdout);
      case 'wlopm':
        return true;
    }
  }

  private async on(method: DisplayMethod): Promise<boolean> {
    const { run } = this.deps;
    switch (method) {
      case 'cec':
        // `on 0` wakes the TV; `as` makes this input the active source, so that it shows the kiosk.
        return (await run(CEC_CLIENT, CEC_ARGS, 'on 0\n')).code === 0 && (await run(CEC_CLIENT, CEC_ARGS, 'as\n')).code === 0;
      case 'dpms': {
        if ((await run('xset', ['dpms', 'force', 'on'])).code !== 0) return false;
        await run('xset', ['s', 'reset']);
        return /Monitor is On/.test((await run('xset', ['q'])).stdout);
      }
      case 'wlopm':
        return (await run('wlopm', ['--on', '*'])).code === 0;
    }
  }
}
