import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import type { LiveScreen } from '../shared/adminApi.js';
import { coversSite, digestEmail, NotifyConfig, SIGNATURE_HEADER, webhookMessage, type EmailSettings, type WebhookMessage, type WebhookTarget } from '../shared/notifications.js';
import { HEALTH_CONDITIONS, HealthBoard, screenProblems, type HealthRules, type SiteDigest } from '../shared/screenHealth.js';
import { parseWith } from '../shared/validationError.js';

/**
 * Tells people when screens go wrong and when they are back: looks at every screen every few
 * seconds (screenProblems), lets HealthBoard group the changes per site, and sends each digest
 * to the webhooks and e-mail recipients of its site. A delivery that fails is tried again at
 * the next checks (3 tries), then logged as lost; the hub serves on either way. The one timer
 * is owned here and cleared by close(), which also waits for deliveries under way.
 */

/** Reads and checks the notifications file; throws an error naming the file and every bad key. */
export async function readNotifyConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<NotifyConfig> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`notifications ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`notifications ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = parseWith(NotifyConfig, secretsFromEnvironment(json, env, path));
  if (!parsed.ok) throw new Error(`notifications ${path}: ${parsed.error}`);
  return parsed.value;
}

/**
 * Secrets may stay out of the file: `"secretEnv": "NAME"` for a webhook's secret and
 * `"passwordEnv": "NAME"` for the SMTP password read them from the hub's environment (a systemd
 * EnvironmentFile, say). Each is replaced by the value before the file is checked; an unset
 * variable is an error naming the key and the variable.
 */
function secretsFromEnvironment(json: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const config = structuredClone(json) as { webhooks?: unknown; email?: { smtp?: unknown } };
  const substitute = (holder: unknown, from: string, to: string, where: string): void => {
    if (typeof holder !== 'object' || holder === null || !(from in holder)) return;
    const record = holder as Record<string, unknown>;
    const name = record[from];
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`notifications ${path}: ${where}.${from}: expected the name of an environment variable`);
    if (to in record) throw new Error(`notifications ${path}: ${where}: give ${to} or ${from}, not both`);
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`notifications ${path}: ${where}.${from}: the environment variable ${name} is not set`);
    delete record[from];
    record[to] = value;
  };
  if (Array.isArray(config.webhooks)) config.webhooks.forEach((hook, k) => substitute(hook, 'secretEnv', 'secret', `webhooks[${k}]`));
  substitute(config.email?.smtp, 'passwordEnv', 'password', 'email.smtp');
  return config;
}

/** Problems already told, kept across restarts (a hub restarted does not tell them again). */
export const ToldProblems = z.array(z.object({ screen: z.string(), condition: z.enum(HEALTH_CONDITIONS) }));
export type ToldProblems = z.infer<typeof ToldProblems>;

export interface ToldStore {
  load(): Promise<ToldProblems> | ToldProblems;
  save(told: ToldProblems): Promise<void> | void;
}

export interface HealthNotifierDeps {
  config: NotifyConfig;
  /** Every screen's state now. */
  screens: () => Promise<LiveScreen[]> | LiveScreen[];
  log: (line: string) => void;
  told?: ToldStore;
  now?: () => number;
  /** Each try of a delivery, counted (the hub's metrics). */
  delivered?: (channel: 'webhook' | 'email', ok: boolean) => void;
  /** In a cluster: whether this node is the one that notifies now (absent: it is); the others stay quiet. */
  lead?: () => Promise<boolean>;
}

/** The result of one channel for one message. */
export interface Delivery {
  channel: string;
  ok: boolean;
  error?: string;
}

interface Outgoing {
  channel: string;
  kind: 'webhook' | 'email';
  attempts: number;
  maxAttempts: number;
  send(): Promise<void>;
}

const MAX_ATTEMPTS = 3;
const WEBHOOK_TIMEOUT_MS = 10_000;

export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A webhook named without its query string (which may carry a key) for logs. */
function webhookName(url: string): string {
  const parsed = new URL(url);
  return `webhook ${parsed.origin}${parsed.pathname}`;
}

export class HealthNotifier {
  private readonly board: HealthBoard;
  private readonly rules: HealthRules;
  private readonly now: () => number;
  /** The SMTP transport, made at the first e-mail: a hub without e-mail never loads nodemailer. */
  private mail: Promise<Transporter> | null = null;
  private readonly watchingSince: number;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private retries: Outgoing[] = [];
  private readonly underWay = new Set<Promise<unknown>>();
  private restored = false;
  private closed = false;

  constructor(private readonly deps: HealthNotifierDeps) {
    const { config } = deps;
    this.now = deps.now ?? Date.now;
    this.watchingSince = this.now();
    this.board = new HealthBoard(config.groupWithinSeconds * 1000);
    this.rules = { offlineAfterMs: config.offlineAfterMinutes * 60_000, crashesForLoop: config.crashLoop.crashes, crashWindowMs: config.crashLoop.withinMinutes * 60_000 };
  }

  /** Starts looking at the screens every `checkEverySeconds`. */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.check(), this.deps.config.checkEverySeconds * 1000);
    this.timer.unref();
  }

  /** One look at the screens: digests due are sent, failed deliveries tried again. Never throws. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    try {
      if (this.deps.lead && !(await this.deps.lead())) {
        // Another node notifies; if this one takes over later, it reads what was told first.
        this.restored = false;
        return;
      }
      if (!this.restored && this.deps.told) {
        this.board.restoreTold(ToldProblems.parse(await this.deps.told.load()), this.now());
        this.restored = true;
      }
      const now = this.now();
      const screens = await this.deps.screens();
      this.board.observe(
        now,
        screens.map((screen) => ({ screen: screen.id, name: screen.name, site: screen.site, problems: screenProblems(screen, now, this.rules, this.watchingSince) })),
      );
      const digests = this.board.due(now);
      // What is told is sent even when it cannot be remembered (a restart may then tell it again).
      if (digests.length > 0) {
        const told = this.board.toldProblems();
        await (async () => this.deps.told?.save(told))().catch((error: unknown) =>
          this.deps.log(`notifications: what was told could not be saved (a restart may tell it again): ${error instanceof Error ? error.message : String(error)}`),
        );
      }
      const retries = this.retries;
      this.retries = [];
      await Promise.all([...retries.map((outgoing) => this.attempt(outgoing)), ...digests.map((digest) => this.sendDigest(digest, now))]);
    } catch (error) {
      this.deps.log(`notifications: the screens could not be checked (tried again in ${this.deps.config.checkEverySeconds} s): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private sendDigest(digest: SiteDigest, now: number): Promise<Delivery[]> {
    return this.sendMessage(webhookMessage(digest, this.deps.config.hubName, now));
  }

  /** Sends a message to every channel of its site; a failed one is tried again at the next checks (unless `once`). */
  async sendMessage(message: WebhookMessage, once = false): Promise<Delivery[]> {
    const outgoing = this.channelsFor(message);
    if (once) for (const one of outgoing) one.maxAttempts = 1;
    return Promise.all(outgoing.map((one) => this.attempt(one)));
  }

  private channelsFor(message: WebhookMessage): Outgoing[] {
    const { config } = this.deps;
    const outgoing: Outgoing[] = [];
    for (const hook of config.webhooks) {
      if (coversSite(hook.sites, message.site)) outgoing.push({ channel: webhookName(hook.url), kind: 'webhook', attempts: 0, maxAttempts: MAX_ATTEMPTS, send: () => postWebhook(hook, message) });
    }
    const email = config.email;
    if (email) {
      const to = [...new Set(email.recipients.filter((group) => coversSite(group.sites, message.site)).flatMap((group) => group.to))];
      const { subject, text } = digestEmail(message);
      const from = email.from;
      if (to.length > 0) {
        const send = async (): Promise<void> => {
          this.mail ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpOptions(email)));
          await (await this.mail).sendMail({ from, to, subject, text });
        };
        outgoing.push({ channel: `e-mail to ${to.join(', ')}`, kind: 'email', attempts: 0, maxAttempts: MAX_ATTEMPTS, send });
      }
    }
    return outgoing;
  }

  private async attempt(outgoing: Outgoing): Promise<Delivery> {
    outgoing.attempts++;
    const sending = outgoing.send();
    this.underWay.add(sending);
    try {
      await sending;
      this.deps.delivered?.(outgoing.kind, true);
      return { channel: outgoing.channel, ok: true };
    } catch (error) {
      this.deps.delivered?.(outgoing.kind, false);
      const reason = error instanceof Error ? error.message : String(error);
      if (outgoing.attempts < outgoing.maxAttempts && !this.closed) {
        this.retries.push(outgoing);
        this.deps.log(`notifications: ${outgoing.channel} failed (try ${outgoing.attempts} of ${outgoing.maxAttempts}, again in ${this.deps.config.checkEverySeconds} s): ${reason}`);
      } else if (outgoing.maxAttempts > 1) this.deps.log(`notifications: ${outgoing.channel} failed ${outgoing.attempts} times, message dropped: ${reason}`);
      return { channel: outgoing.channel, ok: false, error: reason };
    } finally {
      this.underWay.delete(sending);
    }
  }

  /** Stops the checks, waits for deliveries under way, closes the SMTP connections. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
    await Promise.allSettled([...this.underWay]);
    (await this.mail?.catch(() => null))?.close();
  }
}

/** Sends a test message (flagged `test`, one made-up change) to every channel of `site`, once each, and answers how each went. */
export async function sendTestMessage(config: NotifyConfig, site: string, log: (line: string) => void): Promise<Delivery[]> {
  const notifier = new HealthNotifier({ config, screens: () => [], log });
  const now = Date.now();
  const digest: SiteDigest = { site, changes: [{ screen: 'test', name: 'Écran d\'essai / test screen', condition: 'offline', state: 'problem', at: now, detail: 'antichambre-hub notify test' }] };
  try {
    return await notifier.sendMessage(webhookMessage(digest, config.hubName, now, true), true);
  } finally {
    await notifier.close();
  }
}

function smtpOptions(email: EmailSettings) {
  const { smtp } = email;
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user && smtp.password ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
    ...(smtp.caFile ? { tls: { ca: readCa(smtp.caFile) } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`notifications: email.smtp.caFile ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error)}`);
  }
}

async function postWebhook(hook: WebhookTarget, message: WebhookMessage): Promise<void> {
  const body = JSON.stringify(message);
  let response: Response;
  try {
    response = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature(body, hook.secret), 'user-agent': 'antichambre-hub' },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a certificate, a timeout) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
    throw new Error(`not delivered: ${reason}`);
  }
  // The receiver's answer is not read beyond its status.
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}
