import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/hub/cli.js';
import { HealthNotifier, readNotifyConfig, sendTestMessage, signature, type ToldProblems } from '../../src/hub/healthNotifier.js';
import { startHub } from '../../src/hub/hubServer.js';
import type { ScreenState, ScreenToken } from '../../src/shared/adminApi.js';
import { toUtcTime } from '../../src/shared/ids.js';
import { NotifyConfig } from '../../src/shared/notifications.js';
import { startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from '../support/notificationReceivers.js';
import { sampleValue, scrape } from '../support/prometheusScrape.js';

/**
 * The notifier against a real SMTP server (STARTTLS, login) and a real HTTP receiver checking
 * the HMAC; the screens' states are given as data and the clock is the test's (`check()` is
 * called by hand: no waiting).
 */

const SECRET = 'secret-partage-du-webhook-0123456789';
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const MIN = 60_000;
let mail: MailReceiver;
let hook: WebhookReceiver;
let lateHook: WebhookReceiver;

beforeAll(async () => {
  [mail, hook, lateHook] = await Promise.all([startMailReceiver(), startWebhookReceiver(SECRET), startWebhookReceiver(SECRET)]);
});
afterAll(async () => {
  await Promise.all([mail?.close(), hook?.close(), lateHook?.close()]);
});

function screen(id: string, site: string, overrides: Partial<ScreenState> = {}): ScreenState {
  return { id, name: `Écran ${id}`, site, timezone: 'Europe/Paris', online: true, lastSeen: toUtcTime(T0), revision: 'r1', ackedRevision: 'r1', refused: null, status: null, ...overrides };
}

/**
 * A hub in a test looks at its screens every 200 ms and calls one offline after 300 ms: set
 * after the file's schema (which asks for whole seconds and minutes), so that the tests wait
 * fractions of a second, not the minutes a town hall would.
 */
function quickConfig(overrides: Record<string, unknown> = {}): NotifyConfig {
  return { ...config({ groupWithinSeconds: 0, ...overrides }), checkEverySeconds: 0.2, offlineAfterMinutes: 0.005 };
}

function config(overrides: Record<string, unknown> = {}): NotifyConfig {
  return NotifyConfig.parse({
    hubName: 'Hub Mairie',
    offlineAfterMinutes: 5,
    groupWithinSeconds: 60,
    webhooks: [
      { url: hook.url, secret: SECRET },
      { url: lateHook.url, secret: SECRET, sites: ['prefecture'] },
    ],
    email: {
      smtp: { host: '127.0.0.1', port: mail.port, security: 'starttls', user: mail.user, password: mail.password, caFile: mail.caFile },
      from: 'Antichambre <antichambre@mairie.example>',
      recipients: [{ to: ['dsi@mairie.example'] }, { to: ['accueil@mairie.example'], sites: ['mairie'] }],
    },
    ...overrides,
  });
}

describe('HealthNotifier', () => {
  it('sends one signed webhook call and one e-mail per site and window, then "back to normal", and nothing more while nothing changes', async () => {
    let now = T0;
    let screens = [screen('a', 'mairie'), screen('b', 'mairie'), screen('c', 'prefecture')];
    const logs: string[] = [];
    const told: ToldProblems[] = [];
    const notifier = new HealthNotifier({ config: config(), screens: () => screens, log: (line) => logs.push(line), now: () => now, told: { load: () => [], save: (list) => void told.push(list) } });
    const seen = { hook: hook.calls.length, late: lateHook.calls.length, mail: mail.mails.length };
    await notifier.check();
    // a and b go dark, c refuses its set.
    screens = [
      screen('a', 'mairie', { online: false }),
      screen('b', 'mairie', { online: false, lastSeen: toUtcTime(T0 + MIN) }),
      screen('c', 'prefecture', { refused: { revision: 'r2', error: 'playlists[0].items[1].src: unreachable', at: toUtcTime(T0) } }),
    ];
    now = T0 + 6 * MIN;
    await notifier.check();
    now = T0 + 6 * MIN + 30_000;
    await notifier.check();
    expect(hook.calls.length - seen.hook).toBe(0);
    now = T0 + 7 * MIN + 30_000;
    await notifier.check();
    const calls = hook.calls.slice(seen.hook);
    expect(calls.map((call) => call.signatureValid)).toEqual([true, true]);
    const bySite = Object.fromEntries(calls.map((call) => [call.message.site, call.message]));
    expect(bySite['mairie']!.changes.map((change) => [change.screen, change.condition, change.state])).toEqual([
      ['a', 'offline', 'problem'],
      ['b', 'offline', 'problem'],
    ]);
    expect(bySite['prefecture']!.changes).toEqual([{ screen: 'c', name: 'Écran c', condition: 'refused', state: 'problem', at: toUtcTime(T0 + 6 * MIN), detail: 'revision r2: playlists[0].items[1].src: unreachable' }]);
    expect(bySite['mairie']!.hub).toBe('Hub Mairie');
    // The prefecture-only webhook heard of the prefecture only.
    expect(lateHook.calls.slice(seen.late).map((call) => call.message.site)).toEqual(['prefecture']);
    // E-mails: one per site, to the recipients of that site, in French then English.
    const mails = mail.mails.slice(seen.mail);
    expect(mails.map((m) => [m.subject, [...m.to].sort()]).sort()).toEqual([
      ['[Hub Mairie] site mairie : 2 problèmes', ['accueil@mairie.example', 'dsi@mairie.example']],
      ['[Hub Mairie] site prefecture : 1 problème', ['dsi@mairie.example']],
    ]);
    const mairieMail = mails.find((m) => m.subject.includes('mairie :'))!;
    expect(mairieMail.text).toContain('⚠ Écran a (a) : hors ligne — last seen 2026-12-02T09:00:00.000Z');
    expect(mairieMail.text).toContain('⚠ Écran a (a): offline — last seen 2026-12-02T09:00:00.000Z');
    expect(mairieMail.from).toBe('antichambre@mairie.example');
    expect(told.at(-1)?.sort((x, y) => x.screen.localeCompare(y.screen))).toEqual([
      { screen: 'a', condition: 'offline' },
      { screen: 'b', condition: 'offline' },
      { screen: 'c', condition: 'refused' },
    ]);

    // Nothing changes for an hour: nothing more is sent.
    for (let k = 8; k < 60; k += 5) {
      now = T0 + k * MIN;
      await notifier.check();
    }
    expect(hook.calls.length - seen.hook).toBe(2);
    // a comes back.
    screens = [screen('a', 'mairie', { lastSeen: toUtcTime(now) }), screens[1]!, screens[2]!];
    now += MIN;
    await notifier.check();
    now += MIN;
    await notifier.check();
    const back = hook.calls.slice(seen.hook + 2);
    expect(back.map((call) => call.message.changes.map((change) => [change.screen, change.state]))).toEqual([[['a', 'resolved']]]);
    expect(mail.mails.slice(seen.mail + 2).map((m) => m.subject)).toEqual(['[Hub Mairie] site mairie : 1 retour à la normale']);
    expect(logs).toEqual([]);
    await notifier.close();
  });

  it('tries a failed delivery again at the next checks, and says so in the log', async () => {
    let now = T0;
    let screens = [screen('d', 'clinique')];
    const logs: string[] = [];
    const notifier = new HealthNotifier({ config: config({ groupWithinSeconds: 0, email: undefined, webhooks: [{ url: hook.url, secret: SECRET }] }), screens: () => screens, log: (line) => logs.push(line), now: () => now });
    const before = hook.calls.length;
    hook.failNext(1, 503);
    screens = [screen('d', 'clinique', { online: false })];
    now += 6 * MIN;
    await notifier.check();
    expect(hook.calls.length).toBe(before);
    expect(logs).toEqual([`notifications: webhook ${new URL(hook.url).origin}/antichambre/hook failed (try 1 of 3, again in 15 s): HTTP 503`]);
    now += 15_000;
    await notifier.check();
    expect(hook.calls.slice(before).map((call) => [call.message.site, call.message.changes[0]!.state, call.signatureValid])).toEqual([['clinique', 'problem', true]]);
    await notifier.close();
  });

  it('stays quiet on a node of a cluster that does not hold the notifications\' lease, and tells once it does', async () => {
    let now = T0;
    let screens = [screen('l', 'annexe-lease')];
    let leading = false;
    const notifier = new HealthNotifier({ config: config({ groupWithinSeconds: 0, email: undefined, webhooks: [{ url: hook.url, secret: SECRET }] }), screens: () => screens, log: () => {}, now: () => now, lead: async () => leading });
    const before = hook.calls.length;
    screens = [screen('l', 'annexe-lease', { online: false })];
    now += 6 * MIN;
    await notifier.check();
    expect(hook.calls.length).toBe(before);
    leading = true;
    now += MIN;
    await notifier.check();
    expect(hook.calls.slice(before).map((call) => [call.message.site, call.message.changes[0]!.state])).toEqual([['annexe-lease', 'problem']]);
    await notifier.close();
  });

  it('sends what it tells even when it cannot save that it told it', async () => {
    let now = T0;
    let screens = [screen('e', 'annexe-2')];
    const logs: string[] = [];
    const told = { load: () => [], save: () => { throw new Error('storage: disk full'); } };
    const notifier = new HealthNotifier({ config: config({ groupWithinSeconds: 0, email: undefined, webhooks: [{ url: hook.url, secret: SECRET }] }), screens: () => screens, log: (line) => logs.push(line), now: () => now, told });
    const before = hook.calls.length;
    screens = [screen('e', 'annexe-2', { online: false })];
    now += 6 * MIN;
    await notifier.check();
    expect(hook.calls.slice(before).map((call) => call.message.site)).toEqual(['annexe-2']);
    expect(logs).toEqual(['notifications: what was told could not be saved (a restart may tell it again): storage: disk full']);
    await notifier.close();
  });

  it('signs with HMAC-SHA256 of the exact body (RFC 4231, test case 2)', () => {
    expect(signature('what do ya want for nothing?', 'Jefe')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('a hub with notifications', () => {
  it('tells of a real screen that disconnects past the threshold and refuses its set, then of its return', async () => {
    const logs: string[] = [];
    const hub = await startHub({ db: ':memory:', port: 0, host: '127.0.0.1', adminToken: 'notify-admin', log: (line) => logs.push(line), notify: quickConfig() });
    const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(new URL(path, hub.url), { method, headers: { authorization: 'Bearer notify-admin', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return (await response.json()) as T;
    };
    const connect = async (created: ScreenToken, refuse: boolean): Promise<Socket> => {
      const socket = io(`${hub.url}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1 }, transports: ['websocket'], reconnection: false });
      socket.on('playlists', (_payload: unknown, ack: (a: unknown) => void) => ack(refuse ? { ok: false, error: 'playlists[0].items[0]: unknown type' } : { ok: true }));
      await new Promise<void>((done) => socket.once('connect', () => done()));
      await socket.emitWithAck('hello', { revision: null, version: 'test', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
      return socket;
    };
    // Each change once (how they group depends on which check saw them: not asserted here).
    const callsFor = (site: string) => hook.calls.filter((call) => call.message.site === site).flatMap((call) => call.message.changes.map((change) => `${change.screen} ${change.condition} ${change.state}`));
    try {
      const created = await admin<ScreenToken>('POST', '/api/screens', { id: 'hall-1', name: 'Hall', site: 'hotel-de-ville', timezone: 'Europe/Paris' });
      let socket = await connect(created, true);
      await admin('POST', '/api/playlists', { playlists: [{ id: 'p', items: [{ id: 't', type: 'text', duration: 5, title: 'Bonjour' }] }], target: { site: 'hotel-de-ville' } });
      await expect.poll(() => callsFor('hotel-de-ville'), { timeout: 10_000 }).toEqual(['hall-1 refused problem']);
      socket.close();
      await expect.poll(() => callsFor('hotel-de-ville'), { timeout: 10_000 }).toEqual(['hall-1 refused problem', 'hall-1 offline problem']);
      socket = await connect(created, false);
      await expect.poll(() => callsFor('hotel-de-ville').sort(), { timeout: 10_000 }).toEqual(['hall-1 offline problem', 'hall-1 offline resolved', 'hall-1 refused problem', 'hall-1 refused resolved']);
      expect(hook.calls.every((call) => call.signatureValid)).toBe(true);
      // One e-mail per webhook call, with the same changes.
      await expect.poll(() => mail.mails.filter((m) => m.subject.includes('site hotel-de-ville')).length, { timeout: 10_000 }).toBe(hook.calls.filter((call) => call.message.site === 'hotel-de-ville').length);
      const hallMails = mail.mails.filter((m) => m.subject.includes('site hotel-de-ville'));
      expect(hallMails.slice(0, 2).map((m) => m.subject)).toEqual(['[Hub Mairie] site hotel-de-ville : 1 problème', '[Hub Mairie] site hotel-de-ville : 1 problème']);
      expect(hallMails.map((m) => m.text).join('\n')).toContain('✓ Hall (hall-1) : de nouveau en ligne');
      // Its status says a file has been missing for 10 min and the kiosk crashed three times in five minutes.
      const now = Date.now();
      socket.emit('status', {
        at: toUtcTime(now),
        revision: null,
        playing: null,
        cache: { bytes: 0, files: 2, missing: 1, oldestMissingS: 600, errors: ['https://cdn.example/affiche.png: HTTP 404'] },
        outbox: 0,
        uptimeS: 30,
        version: 'test',
        events: [1, 2, 3].map((k) => ({ id: `crash-${k}`, type: 'renderer-gone', at: toUtcTime(now - k * 60_000), detail: 'reason crashed, exit code 133' })),
      });
      await expect.poll(() => callsFor('hotel-de-ville').slice(4).sort(), { timeout: 10_000 }).toEqual(['hall-1 cache problem', 'hall-1 crashLoop problem']);
      const last = hook.calls.filter((call) => call.message.site === 'hotel-de-ville').flatMap((call) => call.message.changes).slice(4);
      expect(last.map((change) => change.detail).sort()).toEqual(['1 file(s) missing for 10 min (https://cdn.example/affiche.png: HTTP 404)', '3 crashes in 15 min (last: renderer-gone)']);
      socket.close();
      // The hub's metrics count what it delivered (its only site here is hotel-de-ville).
      await expect.poll(() => mail.mails.filter((m) => m.subject.includes('site hotel-de-ville')).length, { timeout: 10_000 }).toBe(hook.calls.filter((call) => call.message.site === 'hotel-de-ville').length);
      // (A delivery is counted once the hub has the receiver's answer, a moment after the receiver has it: read until they agree.)
      const notifications = async (channel: string) => sampleValue((await scrape(new URL('/metrics', hub.url).href)).families, 'antichambre_notifications_total', { channel, result: 'sent' });
      await expect.poll(() => notifications('webhook'), { timeout: 10_000 }).toBe(hook.calls.filter((call) => call.message.site === 'hotel-de-ville').length);
      await expect.poll(() => notifications('email'), { timeout: 10_000 }).toBe(mail.mails.filter((m) => m.subject.includes('site hotel-de-ville')).length);
      const families = (await scrape(new URL('/metrics', hub.url).href)).families;
      expect(sampleValue(families, 'antichambre_notifications_total', { channel: 'webhook', result: 'failed' })).toBeUndefined();
    } finally {
      await hub.close();
    }
    expect(logs.filter((line) => line.startsWith('notifications:'))).toEqual([]);
  });

  it('does not tell again, after a restart, a problem it already told, and tells its end', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'antichambre-notify-restart-')), 'hub.db');
    const options = { db, port: 0, host: '127.0.0.1', adminToken: 'notify-admin', log: () => {}, notify: quickConfig({ email: undefined }) };
    const changes = () => hook.calls.filter((call) => call.message.site === 'annexe').flatMap((call) => call.message.changes.map((change) => `${change.condition} ${change.state}`));
    let hub = await startHub(options);
    const created = (await (await fetch(new URL('/api/screens', hub.url), { method: 'POST', headers: { authorization: 'Bearer notify-admin', 'content-type': 'application/json' }, body: JSON.stringify({ id: 'annexe-1', name: 'Annexe', site: 'annexe', timezone: 'Europe/Paris' }) })).json()) as ScreenToken;
    const connect = async (url: string): Promise<Socket> => {
      const socket = io(`${url}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1 }, transports: ['websocket'], reconnection: false });
      await new Promise<void>((done) => socket.once('connect', () => done()));
      return socket;
    };
    (await connect(hub.url)).close();
    await expect.poll(changes, { timeout: 10_000 }).toEqual(['offline problem']);
    await hub.close();
    hub = await startHub(options);
    try {
      // The restarted hub judges the screen offline again (past the threshold from its own start), and says nothing: it was told.
      const offlineAgain = Date.now() + 0.005 * 60_000 + 1_000;
      await expect.poll(() => Date.now() > offlineAgain, { timeout: 10_000 }).toBe(true);
      expect(changes()).toEqual(['offline problem']);
      const socket = await connect(hub.url);
      await expect.poll(changes, { timeout: 10_000 }).toEqual(['offline problem', 'offline resolved']);
      socket.close();
    } finally {
      await hub.close();
    }
  });

  it('`notify test` sends a test message to every channel of the site and says how each went', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-notify-test-'));
    const file = join(dir, 'notify.json');
    // A port nobody listens on (taken, then given back).
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const nobody = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/nobody`;
    await new Promise<void>((done) => closed.close(() => done()));
    writeFileSync(file, JSON.stringify({ webhooks: [{ url: hook.url, secret: SECRET }, { url: nobody, secret: SECRET }], email: { smtp: { host: '127.0.0.1', port: mail.port, user: mail.user, password: mail.password, caFile: mail.caFile }, from: 'antichambre@mairie.example', recipients: [{ to: ['dsi@mairie.example'] }] } }));
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await run(['notify', 'test', '--notify', file, '--site', 'essai']);
    } finally {
      spy.mockRestore();
      errors.mockRestore();
    }
    expect(printed.sort()).toEqual([
      `FAILED webhook ${nobody}: not delivered: ECONNREFUSED`,
      `ok     e-mail to dsi@mairie.example`,
      `ok     webhook ${new URL(hook.url).origin}/antichambre/hook`,
    ]);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    expect(hook.calls.at(-1)?.message).toMatchObject({ site: 'essai', test: true });
    expect(mail.mails.at(-1)?.subject).toBe('[Antichambre] Essai / Test — site essai : 1 problème');
    expect(mail.mails.at(-1)?.text).toContain('Test message: nothing happened, this channel is being checked.');
    expect(await sendTestMessage(NotifyConfig.parse({ webhooks: [{ url: hook.url, secret: SECRET, sites: ['autre'] }] }), 'essai', () => {})).toEqual([]);
  });
});

describe('readNotifyConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-notify-'));
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('names the file and every bad key', async () => {
    await expect(readNotifyConfig(join(dir, 'nope.json'))).rejects.toThrow(`notifications ${join(dir, 'nope.json')}: file not found`);
    await expect(readNotifyConfig(file('broken.json', '{ "webhooks": ['))).rejects.toThrow(/: not JSON/);
    await expect(
      readNotifyConfig(file('bad.json', JSON.stringify({ offlineAfterMinute: 5, webhooks: [{ url: 'ftp://x', secret: 'court' }], email: { smtp: { host: 'smtp', user: 'u' }, from: 'a@b.c', recipients: [{ to: ['pas-une-adresse'] }] } }))),
    ).rejects.toThrow(
      `notifications ${join(dir, 'bad.json')}: webhooks[0].url: expected an http:// or https:// URL; webhooks[0].secret: expected a secret of at least 16 characters (make one with: openssl rand -hex 32); email.smtp: expected both user and password, or neither; email.recipients[0].to[0]: expected an e-mail address; (root): Unrecognized key: "offlineAfterMinute"`,
    );
  });

  it('stops `serve` before it starts, naming the file', async () => {
    await expect(run(['serve', '--port', '0', '--db', ':memory:', '--notify', file('typo.json', JSON.stringify({ webhook: [] }))])).rejects.toThrow(
      `notifications ${join(dir, 'typo.json')}: (root): Unrecognized key: "webhook"; (root): expected at least one webhook or an email section (or no notifications file at all)`,
    );
  });

  it('reads secrets from the environment when the file names them', async () => {
    const path = file('env.json', JSON.stringify({ webhooks: [{ url: 'https://supervision.mairie.example/hook', secretEnv: 'HOOK_SECRET' }], email: { smtp: { host: 'smtp', user: 'u', passwordEnv: 'SMTP_PASSWORD' }, from: 'a@b.example', recipients: [{ to: ['dsi@b.example'] }] } }));
    const parsed = await readNotifyConfig(path, { HOOK_SECRET: 's'.repeat(20), SMTP_PASSWORD: 'mot de passe' });
    expect([parsed.webhooks[0]!.secret, parsed.email?.smtp.password]).toEqual(['s'.repeat(20), 'mot de passe']);
    await expect(readNotifyConfig(path, { HOOK_SECRET: 's'.repeat(20) })).rejects.toThrow(`notifications ${path}: email.smtp.passwordEnv: the environment variable SMTP_PASSWORD is not set`);
    await expect(readNotifyConfig(path, { HOOK_SECRET: 'court', SMTP_PASSWORD: 'x' })).rejects.toThrow(`notifications ${path}: webhooks[0].secret: expected a secret of at least 16 characters`);
  });

  it('fills in the defaults', async () => {
    const parsed = await readNotifyConfig(file('ok.json', JSON.stringify({ webhooks: [{ url: 'https://supervision.mairie.example/hook', secret: 'x'.repeat(32) }] })));
    expect(parsed).toMatchObject({ hubName: 'Antichambre', offlineAfterMinutes: 10, groupWithinSeconds: 60, checkEverySeconds: 15, crashLoop: { crashes: 3, withinMinutes: 15 } });
  });
});
