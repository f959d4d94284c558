import { describe, expect, it } from 'vitest';
import { DisplayPower, DisplayPowerRequest, spawnRunner, type CommandOutcome, type CommandRunner } from '../../src/main/displayPower.js';

/**
 * A kiosk machine seen through its commands: which of cec-client, xset and wlopm it has, and a
 * display whose power they change. The runner is the only thing injected; DisplayPower is real.
 */
function machine(has: { cec?: boolean; tvAnswers?: 'standby' | 'on' | 'unknown'; xset?: 'dpms' | 'no-dpms' | 'not-capable' | 'stuck-on'; wlopm?: boolean }) {
  const calls: string[] = [];
  let display: 'on' | 'off' = 'on';
  let dpmsTimeouts = '600 600 600';
  const ok = (stdout = ''): CommandOutcome => ({ code: 0, stdout, stderr: '' });
  const missing: CommandOutcome = { code: null, stdout: '', stderr: 'spawn ENOENT' };
  const run: CommandRunner = async (command, args, input) => {
    calls.push([command, ...args].join(' ') + (input ? ` <<< ${input.trim()}` : ''));
    if (command === 'cec-client') {
      if (!has.cec) return missing;
      if (args[0] === '-l') return ok('Found devices: 1\n\ndevice:              1\ncom port:            RPI\n');
      if (input === 'standby 0\n') display = has.tvAnswers === 'on' ? 'on' : 'off';
      if (input === 'on 0\n') display = 'on';
      if (input === 'pow 0\n') return ok(`opening a connection to the CEC adapter...\npower status: ${has.tvAnswers ?? (display === 'off' ? 'standby' : 'on')}\n`);
      return ok();
    }
    if (command === 'xset') {
      if (!has.xset) return missing;
      if (args[0] === 'q') {
        if (has.xset === 'no-dpms') return ok('Keyboard Control:\n  auto repeat:  on\nServer does not have the DPMS Extension\n');
        if (has.xset === 'not-capable') return ok('Screen Saver:\n  prefer blanking:  yes\nDPMS (Energy Star):\n  Display is not capable of DPMS\n');
        return ok(`Screen Saver:\n  prefer blanking:  yes\nDPMS (Energy Star):\n  Standby: ${dpmsTimeouts.split(' ')[0]}\n  DPMS is Enabled\n  Monitor is ${display === 'on' ? 'On' : 'Off'}\n`);
      }
      if (args.join(' ') === 'dpms 0 0 0') dpmsTimeouts = '0 0 0';
      if (args.join(' ') === 'dpms force off' && has.xset !== 'stuck-on') display = 'off';
      if (args.join(' ') === 'dpms force on') display = 'on';
      return ok();
    }
    if (command === 'wlopm') {
      if (!has.wlopm) return missing;
      if (args[0] === '--off') display = 'off';
      if (args[0] === '--on') display = 'on';
      return ok(`HDMI-A-1 ${display}\n`);
    }
    return missing;
  };
  const blocker = { running: true, start: () => (blocker.running = true), stop: () => (blocker.running = false) };
  const logged: string[] = [];
  return { run, calls, blocker, logged, display: () => display, wake: () => void (display = 'on'), dpmsTimeouts: () => dpmsTimeouts, log: (line: string) => logged.push(line) };
}

const X11 = { DISPLAY: ':0' };
const WAYLAND = { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' };

describe('display power on the kiosk (commands through an injected runner)', () => {
  it('HDMI-CEC first: the TV goes to standby, confirmed by its power status, and comes back as the active source', async () => {
    const m = machine({ cec: true, xset: 'dpms' });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: X11, log: m.log, blocker: m.blocker });
    expect(await power.available()).toEqual(['cec', 'dpms']);
    m.calls.length = 0;
    expect(await power.set('off')).toBe('off');
    expect(m.display()).toBe('off');
    expect(m.calls).toEqual(['cec-client -s -d 1 <<< standby 0', 'cec-client -s -d 1 <<< pow 0']);
    expect(m.blocker.running).toBe(false);
    m.calls.length = 0;
    expect(await power.set('off')).toBe('off'); // already off: only asked whether it still is
    expect(m.calls).toEqual(['cec-client -s -d 1 <<< pow 0']);
    m.calls.length = 0;
    expect(await power.set('on')).toBe('on');
    expect(m.display()).toBe('on');
    expect(m.calls).toEqual(['cec-client -s -d 1 <<< on 0', 'cec-client -s -d 1 <<< as']);
    expect(m.blocker.running).toBe(true);
    expect(m.logged).toContain('display power: off (cec)');
  });

  it('a TV that answers "on" to standby: DPMS is tried next', async () => {
    const m = machine({ cec: true, tvAnswers: 'on', xset: 'dpms' });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: X11, log: m.log });
    expect(await power.set('off')).toBe('off');
    expect(m.calls.filter((c) => c.startsWith('xset dpms force'))).toEqual(['xset dpms force off']);
    expect(m.logged).toContain('display power: off (dpms)');
    expect(await power.set('on')).toBe('on');
    expect(m.calls.at(-3)).toBe('xset dpms force on'); // powered on by the method that powered it off
  });

  it('X11 without CEC: DPMS with its timeouts turned off (only the schedule blanks the display), confirmed by xset q', async () => {
    const m = machine({ xset: 'dpms' });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: X11, log: m.log });
    expect(await power.set('off')).toBe('off');
    expect(m.calls).toEqual(['cec-client -l', 'xset q', 'xset dpms 0 0 0', 'xset +dpms', 'xset dpms force off', 'xset q']);
    expect(m.dpmsTimeouts()).toBe('0 0 0');
    expect(await power.set('on')).toBe('on');
    expect(m.display()).toBe('on');
  });

  it('a display that stays on after dpms force off (a virtual machine, some drivers): black, and said why', async () => {
    const m = machine({ xset: 'stuck-on' });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: X11, log: m.log });
    expect(await power.set('off')).toBe('black');
    expect(m.logged).toContain('display power: xset says "Monitor is On" after dpms force off');
    expect(await power.set('on')).toBe('on');
    expect(m.calls.filter((c) => c.includes('force on'))).toEqual([]); // nothing to undo
  });

  it('an X server without DPMS, Wayland without wlopm, Windows without CEC: black, nothing run to power down', async () => {
    for (const [platform, env, has] of [
      ['linux', X11, { xset: 'no-dpms' }],
      ['linux', X11, { xset: 'not-capable' }],
      ['linux', WAYLAND, { xset: 'dpms' }],
      ['win32', {}, {}],
    ] as const) {
      const m = machine(has);
      const power = new DisplayPower({ run: m.run, platform, env, log: m.log });
      expect(await power.set('off'), platform).toBe('black');
      expect(m.display()).toBe('on');
      expect(m.logged[0]).toMatch(/^display power: nothing to power the display down on (linux|win32)/);
    }
  });

  it('Wayland on a wlroots compositor: wlopm powers every output off and on', async () => {
    const m = machine({ wlopm: true, xset: 'dpms' });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: WAYLAND, log: m.log });
    expect(await power.set('off')).toBe('off');
    expect(m.calls).toEqual(['cec-client -l', 'wlopm', 'wlopm --off *']);
    expect(await power.set('on')).toBe('on');
    expect(m.calls.at(-1)).toBe('wlopm --on *');
  });

  it('asked again while asleep: a display woken meanwhile (a mouse under DPMS, a TV remote) is put back to sleep, one left asleep is not touched', async () => {
    for (const has of [{ xset: 'dpms' as const }, { cec: true }]) {
      const m = machine(has);
      const power = new DisplayPower({ run: m.run, platform: 'linux', env: X11, log: m.log });
      expect(await power.set('off')).toBe('off');
      const sent = m.calls.length;
      expect(await power.set('off')).toBe('off');
      expect(m.calls.slice(sent)).toEqual([has.cec ? 'cec-client -s -d 1 <<< pow 0' : 'xset q']); // only looked at
      m.wake();
      expect(await power.set('off')).toBe('off');
      expect(m.display()).toBe('off');
      expect(m.logged.at(-1)).toMatch(/^display power: the display was woken while the building is closed; off again/);
    }
  });

  it('the first "on" of a run wakes the display through the best way found (a TV left in standby by a run that ended asleep); later ones send nothing', async () => {
    const m = machine({ cec: true, xset: 'dpms' });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: X11, log: m.log });
    expect(await power.set('on')).toBe('on');
    expect(m.calls.filter((c) => c.includes('<<<'))).toEqual(['cec-client -s -d 1 <<< on 0', 'cec-client -s -d 1 <<< as']);
    const sent = m.calls.length;
    expect(await power.set('on')).toBe('on');
    expect(m.calls.length).toBe(sent);
  });

  it('quitting wakes a display this run powered down, and leaves one it did not alone', async () => {
    const m = machine({ cec: true });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: {}, log: m.log });
    expect(await power.wakeIfAsleep()).toBe('on');
    expect(m.calls).toEqual([]);
    await power.set('off');
    expect(await power.wakeIfAsleep()).toBe('on');
    expect(m.display()).toBe('on');
  });

  it('changes asked together run one after the other, in order', async () => {
    const m = machine({ cec: true });
    const power = new DisplayPower({ run: m.run, platform: 'linux', env: {}, log: m.log });
    const states = await Promise.all([power.set('off'), power.set('on'), power.set('off')]);
    expect(states).toEqual(['off', 'on', 'off']);
    expect(m.calls.filter((c) => c.includes('<<<'))).toEqual(['cec-client -s -d 1 <<< standby 0', 'cec-client -s -d 1 <<< pow 0', 'cec-client -s -d 1 <<< on 0', 'cec-client -s -d 1 <<< as', 'cec-client -s -d 1 <<< standby 0', 'cec-client -s -d 1 <<< pow 0']);
  });

  it('the page may ask only on or off', () => {
    expect(DisplayPowerRequest.parse('off')).toBe('off');
    for (const bad of ['standby', true, null, { state: 'off' }]) expect(DisplayPowerRequest.safeParse(bad).success).toBe(false);
  });

  it('the real runner passes stdin without a shell, and answers code null for a command that is not installed', async () => {
    const echoed = await spawnRunner(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], 'standby 0\n');
    expect(echoed).toEqual({ code: 0, stdout: 'standby 0\n', stderr: '' });
    const absent = await spawnRunner('cec-client-not-installed-here', ['-l']);
    expect(absent.code).toBeNull();
    expect(absent.stderr).toContain('ENOENT');
    // Arguments are not interpreted by a shell.
    const literal = await spawnRunner(process.execPath, ['-e', 'console.log(process.argv[1])', '*; echo no']);
    expect(literal.stdout).toBe('*; echo no\n');
  });
});
