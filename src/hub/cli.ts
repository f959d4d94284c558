import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AccuracyList, AlertRecord, CommandResult, SiteToken, ImpressionList, PowerReport, PowerScheduleResult, PushResult, ReachReport, ScreenList, ScreenSet, ScreenToken, ScreenViewingRequest, WattsResult } from '../shared/adminApi.js';
import { GrantText, grantText } from '../shared/access.js';
import { ApiTokenCreated, ApiTokenInfo, ApiTokenList, AuditList, PasswordResetDone, SignedOut, UserCreated, UserInfo, UserList } from '../shared/accounts.js';
import { FeedList, FeedRecord } from '../shared/feeds.js';
import { toUtcTime, UtcTime } from '../shared/ids.js';
import { PowerSchedule } from '../shared/powerSchedule.js';
import { OIDC_ENV, OidcSettings } from '../shared/singleSignOn.js';
import { formatIssues, parseWith } from '../shared/validationError.js';
import { AdminClient } from './adminClient.js';
import { DEFAULT_DB, isPostgresUrl, resolveDataPaths, shownUrl } from './dataPaths.js';
import { readNotifyConfig, sendTestMessage } from './healthNotifier.js';
import { networkList, type MetricsAccess } from './metricsAccess.js';
import { describeFileFinding, lintPlaylistFiles } from './playlistLint.js';
import { preparePush, readLayoutFile } from './playlistUpload.js';
import { powerReportText } from './powerReportText.js';
import { reachLines } from './reachTable.js';
import { statusTable } from './statusTable.js';

/** `antichambre-hub`: starts the hub (`serve`), or drives a running one through its admin API. */

const USAGE = `antichambre-hub <command>

  serve [--port 8080] [--host 0.0.0.0] [--db antichambre-hub.db | --db postgres://USER:PASSWORD@HOST/DB] [--media DIR]
        [--tls-cert cert.pem --tls-key key.pem] [--trust-proxy] [--broker redis://HOST:6379]
        env ANTICHAMBRE_HUB_PORT, ANTICHAMBRE_HUB_HOST, ANTICHAMBRE_HUB_DB, ANTICHAMBRE_HUB_BROKER,
            ANTICHAMBRE_ADMIN_EMAIL, ANTICHAMBRE_ADMIN_PASSWORD (the first administrator, at first start),
            ANTICHAMBRE_ADMIN_TOKEN (>= 32 characters: an API token of the first administrator),
            ANTICHAMBRE_HUB_TLS_CERT, ANTICHAMBRE_HUB_TLS_KEY, ANTICHAMBRE_HUB_TRUST_PROXY=1,
            ANTICHAMBRE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _REDIRECT_URL, [_ROLES_CLAIM], [_LABEL] (single sign-on)
        TLS: HTTPS and WSS on the same port; SIGHUP reloads the certificate (after a renewal).
        --trust-proxy: behind nginx/Caddy only; client addresses come from X-Forwarded-For.
        --broker: one of several nodes (same --db postgres://…, same --media folder, same broker);
                  health for the balancer at /healthz, readiness (database, broker) at /readyz.
        [--metrics-token T] [--metrics-allow 10.0.0.0/8,192.168.1.5]   who may read /metrics
            (env ANTICHAMBRE_METRICS_TOKEN, ANTICHAMBRE_METRICS_ALLOW; neither: the loopback only)
        [--notify notify.json]   webhooks and e-mails when screens go wrong (env ANTICHAMBRE_NOTIFY_CONFIG)
  notify test --notify notify.json [--site SITE]   sends a test message to every webhook and recipient of the site
  migrate [--db antichambre-hub.db | --db postgres://…]
                                         brings the database's schema up to this hub's version (serve does it too)
  screen add <id> --name NAME --site SITE [--timezone Europe/Paris]
  screen list
  screen viewing <id> --diagonal INCHES --distance METRES [--width-px 1920 --height-px 1080] | --none
                                         its size and farthest reading distance: the content lint checks character height
  site token <site>                      a new token for its ticket system to post queue events with
                                         (the old one stops working: the ticket system must get the new one)
  accuracy --site SITE                   estimates against realized waits, per service and day
  reach --site SITE --since DAY|ISO [--until DAY|ISO] [--screen ID] [--json | --csv]
                                         each item's reach and frequency among the people who waited,
                                         per day and service (days in the site's zone; --until's day included)
  screen token <id>                      a new token (the old one stops working)
  playlist push <file.json...> --screen ID | --site ID [--replace] [--media-url URL] [--layout layout.json | --layout none] [--strict]
                                         --layout: the zones of the target's screens (a screen's own wins over its site's);
                                         none: back to full screen (or to the site's layout)
                                         every item is linted first (contrast, reading time, character height for the
                                         target screens, captions): errors refuse the push, --strict makes warnings errors
  alert send --screen ID | --site ID --text TEXT [--level info|urgent] [--until ISO | --for 30m] [--id ID]
  alert clear <id>
  feed add <id> --site SITE --kind cap|news --url URL [--every 5]
                                         cap: [--min-severity Minor] [--urgent-severities Extreme,Severe]
                                              [--urgent-urgencies Immediate,Expected] [--language fr] [--default-hours 12]
                                         news: --zone TICKER_ZONE [--max-items 8] [--max-chars 140] [--max-age-hours 72]
  feed list | feed poll <id> | feed remove <id>
                                         CAP 1.2 alert feeds become alerts on the site's screens; RSS/Atom news the
                                         text items of a ticker zone's playlist (see the README, "Feeds")
  command <reload|restart|clear-cache|identify|screenshot> --screen ID [--out shot.png]
  impressions [--since ISO] [--until ISO] [--screen ID] [--csv]
  status
  user add <email> --name NAME [--role editor@mairie ...] [--password-stdin]
                                         roles: admin, editor, operator, viewer, each @site or @* (every site);
                                         without --password-stdin the hub makes a password and it is printed once
  user list
  user disable <email> | user enable <email>   disabling ends the user's sessions and refuses their tokens
  user reset-password <email> [--password-stdin]   ends the user's sessions
  user role <email> --role R@SITE [--role ...] | --role none   replaces the user's roles
  user signout <email>                   ends every session of the user
  token create <name> | token list | token revoke <id>   API tokens (yours; an administrator sees all)
  audit [--since ISO | --since 24h] [--until ISO] [--user EMAIL] [--action ACTION] [--site SITE] [--csv]
  power schedule <hours.json | none> --screen ID | --site ID
                                         when the target's screens sleep (a screen's own wins over its site's);
                                         none: remove the target's own (its site's applies, or always on)
  power holidays <year> [--country FR] [--region 57] [--into horaires.json]
                                         the year's public holidays as closures (Alsace-Moselle: --region 57, 67 or 68);
                                         --into adds them to a schedule file's "closed", else prints them
  power report [--since ISO] [--until ISO] [--site ID]
                                         hours on, off and black per screen, kWh saved (default: the last 7 days)
  screen watts <id> <watts | none>       the display's power draw as on its label, for the energy saved

Admin commands talk to --hub URL (env ANTICHAMBRE_HUB_URL, default http://127.0.0.1:8080)
with --token T (env ANTICHAMBRE_ADMIN_TOKEN): an API token (token create, or the dashboard's
Account page); each command needs the role it does on the target's site.`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  media: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  broker: { type: 'string' },
  hub: { type: 'string' },
  token: { type: 'string' },
  name: { type: 'string' },
  site: { type: 'string' },
  screen: { type: 'string' },
  timezone: { type: 'string' },
  replace: { type: 'boolean' },
  'media-url': { type: 'string' },
  layout: { type: 'string' },
  text: { type: 'string' },
  level: { type: 'string' },
  until: { type: 'string' },
  for: { type: 'string' },
  id: { type: 'string' },
  out: { type: 'string' },
  since: { type: 'string' },
  csv: { type: 'boolean' },
  role: { type: 'string', multiple: true },
  'password-stdin': { type: 'boolean' },
  user: { type: 'string' },
  action: { type: 'string' },
  'metrics-token': { type: 'string' },
  'metrics-allow': { type: 'string' },
  notify: { type: 'string' },
  country: { type: 'string' },
  region: { type: 'string' },
  into: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  diagonal: { type: 'string' },
  distance: { type: 'string' },
  'width-px': { type: 'string' },
  'height-px': { type: 'string' },
  none: { type: 'boolean' },
  kind: { type: 'string' },
  url: { type: 'string' },
  every: { type: 'string' },
  zone: { type: 'string' },
  'max-items': { type: 'string' },
  'max-chars': { type: 'string' },
  'max-age-hours': { type: 'string' },
  'min-severity': { type: 'string' },
  'urgent-severities': { type: 'string' },
  'urgent-urgencies': { type: 'string' },
  language: { type: 'string' },
  'default-hours': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A command line this CLI cannot run; `whole`: print the whole usage after it (no command recognised). */
class UsageError extends Error {
  constructor(
    message: string,
    readonly whole = false,
  ) {
    super(message);
  }
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function targetOf(values: Values): { screen: string } | { site: string } {
  if (values.screen && values.site) throw new UsageError('give --screen or --site, not both');
  if (values.screen) return { screen: values.screen };
  if (values.site) return { site: values.site };
  throw new UsageError('missing --screen ID or --site ID');
}

/** `30m`, `2h`, `1d` from now, as a UTC time. */
export function untilFromDuration(text: string, now: number): string {
  const match = /^(\d+)\s*(m|min|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`--for ${text}: expected a duration like 30m, 2h or 1d`);
  const unit = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'min' | 'h' | 'd'];
  return toUtcTime(now + Number(match[1]) * unit);
}

function client(values: Values): AdminClient {
  const hub = values.hub ?? process.env['ANTICHAMBRE_HUB_URL'] ?? 'http://127.0.0.1:8080';
  const token = values.token ?? process.env['ANTICHAMBRE_ADMIN_TOKEN'];
  if (!token)
    throw new UsageError(
      `missing an API token: --token T or ANTICHAMBRE_ADMIN_TOKEN. The first one: sign in to the dashboard (${hub}/) with the e-mail and password the hub printed at its first start, then "Mon compte" (Account) makes one; or start serve with ANTICHAMBRE_ADMIN_TOKEN set (at least 32 characters)`,
    );
  return new AdminClient(hub, token);
}

/** The dashboard that `npm run build` writes beside the built hub (dist/dashboard next to dist/hub/hub.js). */
const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../dashboard');

/** An admin token set from the environment must be at least this long (a generated one is 43 characters of base64url). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** A metrics token must be at least this long (it only reads figures, but it is still a secret). */
export const MIN_METRICS_TOKEN_LENGTH = 16;

function metricsAccess(values: Values): MetricsAccess {
  const token = values['metrics-token'] ?? process.env['ANTICHAMBRE_METRICS_TOKEN'];
  if (token !== undefined && token.length < MIN_METRICS_TOKEN_LENGTH) throw new UsageError(`metrics token: ${token.length} characters, expected at least ${MIN_METRICS_TOKEN_LENGTH} (make one with: openssl rand -base64 24)`);
  const allowText = values['metrics-allow'] ?? process.env['ANTICHAMBRE_METRICS_ALLOW'];
  const allow = allowText?.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (allow) {
    try {
      networkList(allow);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return { ...(token ? { token } : {}), ...(allow && allow.length > 0 ? { allow } : {}) };
}

/** Single sign-on settings from the environment: none without ANTICHAMBRE_OIDC_ISSUER; a clear error naming the variable when one is wrong. */
export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcSettings | null {
  if (!env[OIDC_ENV.issuer]) return null;
  const raw = Object.fromEntries(Object.entries(OIDC_ENV).flatMap(([key, name]) => (env[name] === undefined ? [] : [[key, env[name]]])));
  const parsed = OidcSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof typeof OIDC_ENV;
    throw new UsageError(`${OIDC_ENV[key] ?? 'single sign-on'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A password from standard input (its first line), never from the command line (visible in ps and in the shell's history). */
async function passwordFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const password = text.split(/\r?\n/)[0] ?? '';
  if (!password) throw new UsageError('--password-stdin: standard input is empty');
  return password;
}

async function userByEmail(api: AdminClient, email: string): Promise<UserInfo> {
  const { users } = await api.json('GET', '/api/users', UserList);
  const user = users.find((u) => u.email === email.trim().toLowerCase());
  if (!user) throw new Error(`user ${email}: no such account (user list shows them)`);
  return user;
}

function grantsOf(values: Values): { role: 'admin' | 'editor' | 'operator' | 'viewer'; site: string | null }[] {
  const roles = values.role ?? [];
  if (roles.length === 1 && roles[0] === 'none') return [];
  return roles.map((text) => {
    const parsed = parseWith(GrantText, text);
    if (!parsed.ok) throw new UsageError(`--role ${parsed.error}`);
    return parsed.value;
  });
}

function printUser(user: UserInfo): void {
  console.log(`${user.email}\t${user.name}\t${user.grants.map(grantText).join(' ') || '(no role)'}\t${user.disabled ? 'disabled' : 'enabled'}\t${user.source}\tlast sign-in ${user.lastSignIn ?? '-'}`);
}

/** `--since 24h` (that long ago) or an ISO time. */
export function sinceOf(text: string, now: number): string {
  const match = /^(\d+)\s*(m|min|h|d)$/.exec(text.trim());
  if (match) return toUtcTime(now - Number(match[1]) * { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'min' | 'h' | 'd']);
  const parsed = UtcTime.safeParse(text);
  if (!parsed.success) throw new UsageError(`--since ${text}: expected a duration like 24h or 7d, or a UTC time like 2026-11-23T08:30:00.000Z`);
  return parsed.data;
}

async function userCommand(sub: string | undefined, rest: string[], values: Values): Promise<void> {
  const api = client(values);
  const email = (): string => need(rest[0], `the user's email: user ${sub} <email>`);
  switch (sub) {
    case 'add': {
      const body = { email: email(), name: need(values.name, '--name'), grants: grantsOf(values), ...(values['password-stdin'] ? { password: await passwordFromStdin() } : {}) };
      const created = await api.json('POST', '/api/users', UserCreated, body);
      printUser(created.user);
      if (created.password) console.log(`password (shown only now): ${created.password}`);
      return;
    }
    case 'list': {
      const { users } = await api.json('GET', '/api/users', UserList);
      for (const user of users) printUser(user);
      return;
    }
    case 'disable':
    case 'enable': {
      const user = await userByEmail(api, email());
      printUser(await api.json('PATCH', `/api/users/${user.id}`, UserInfo, { disabled: sub === 'disable' }));
      return;
    }
    case 'reset-password': {
      const user = await userByEmail(api, email());
      const done = await api.json('POST', `/api/users/${user.id}/password`, PasswordResetDone, values['password-stdin'] ? { password: await passwordFromStdin() } : {});
      console.log(`${done.user.email}: password reset, sessions ended`);
      if (done.password) console.log(`password (shown only now): ${done.password}`);
      return;
    }
    case 'role': {
      if (!values.role?.length) throw new UsageError('user role <email> --role R@SITE [--role ...] | --role none');
      const user = await userByEmail(api, email());
      printUser(await api.json('PATCH', `/api/users/${user.id}`, UserInfo, { grants: grantsOf(values) }));
      return;
    }
    case 'signout': {
      const user = await userByEmail(api, email());
      const { signedOut } = await api.json('POST', `/api/users/${user.id}/signout`, SignedOut);
      console.log(`${user.email}: ${signedOut} session(s) ended`);
      return;
    }
    default:
      throw new UsageError('user add|list|disable|enable|reset-password|role|signout');
  }
}

async function tokenCommand(sub: string | undefined, rest: string[], values: Values): Promise<void> {
  const api = client(values);
  const print = (token: ApiTokenInfo): void => console.log(`${token.id}\t${token.name}\t${token.userId}\tmade ${token.createdAt}\tlast used ${token.lastUsedAt ?? '-'}${token.revokedAt ? `\trevoked ${token.revokedAt}` : ''}`);
  if (sub === 'create') {
    const created = await api.json('POST', '/api/tokens', ApiTokenCreated, { name: need(rest[0], 'a name: token create <name>') });
    print(created.info);
    console.log(`token (shown only now): ${created.token}`);
    return;
  }
  if (sub === 'list') {
    for (const token of (await api.json('GET', '/api/tokens', ApiTokenList)).tokens) print(token);
    return;
  }
  if (sub === 'revoke') {
    print(await api.json('DELETE', `/api/tokens/${encodeURIComponent(need(rest[0], 'the token id: token revoke <id>'))}`, ApiTokenInfo));
    return;
  }
  throw new UsageError('token create|list|revoke');
}

async function auditCommand(values: Values): Promise<void> {
  const api = client(values);
  const query = new URLSearchParams();
  if (values.since) query.set('since', sinceOf(values.since, Date.now()));
  if (values.until) query.set('until', values.until);
  if (values.user) query.set('actor', (await userByEmail(api, values.user)).id);
  if (values.action) query.set('action', values.action);
  if (values.site) query.set('site', values.site);
  if (values.csv) {
    query.set('format', 'csv');
    process.stdout.write(await api.text(`/api/audit?${query}`));
    return;
  }
  const { entries } = await api.json('GET', `/api/audit?${query}`, AuditList);
  for (const e of [...entries].reverse()) {
    const change = e.before !== null || e.after !== null ? `  ${e.before ?? '-'} -> ${e.after ?? '-'}` : '';
    console.log(`${e.at}  ${e.actorEmail ?? e.address ?? '-'}  ${e.action}  ${e.target}${e.site ? ` (${e.site})` : ''}${change}${e.detail ? `  ${e.detail}` : ''}`);
  }
  console.log(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`);
}

/** This machine's IPv4 addresses other than the loopback (what another PC of the site types). */
function networkAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry.address);
}

async function serve(values: Values): Promise<void> {
  const host = values.host ?? process.env['ANTICHAMBRE_HUB_HOST'] ?? '0.0.0.0';
  const port = Number(values.port ?? process.env['ANTICHAMBRE_HUB_PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port}: expected a port number 0-65535`);
  const db = values.db ?? process.env['ANTICHAMBRE_HUB_DB'] ?? DEFAULT_DB;
  const adminToken = process.env['ANTICHAMBRE_ADMIN_TOKEN'];
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new UsageError(
      `ANTICHAMBRE_ADMIN_TOKEN: ${adminToken.length} characters, expected at least ${MIN_ADMIN_TOKEN_LENGTH} (make one with: openssl rand -base64 32); le jeton d'administration doit compter au moins ${MIN_ADMIN_TOKEN_LENGTH} caractères`,
    );
  }
  const metrics = metricsAccess(values);
  const notifyFile = values.notify ?? process.env['ANTICHAMBRE_NOTIFY_CONFIG'];
  const notify = notifyFile ? await readNotifyConfig(notifyFile) : undefined;
  // A reader of the logs that went away (a closed pipe: `serve | head`, a log collector restarted) makes each write fail
  // with EPIPE, which unheard is an uncaught exception whose own log line fails again: a loop that spins a core. The hub
  // serves on without that stream.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  // Handlers catch their own errors (storageFault.ts); anything that escapes is logged with its context, and the hub serves on.
  process.on('uncaughtException', (error, origin) => {
    console.error(`hub: uncaught exception (${origin}), serving on: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });
  process.on('unhandledRejection', (reason) => {
    console.error(`hub: unhandled promise rejection, serving on: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
  const certFile = values['tls-cert'] ?? process.env['ANTICHAMBRE_HUB_TLS_CERT'];
  const keyFile = values['tls-key'] ?? process.env['ANTICHAMBRE_HUB_TLS_KEY'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('TLS: give both --tls-cert and --tls-key (or ANTICHAMBRE_HUB_TLS_CERT and ANTICHAMBRE_HUB_TLS_KEY), or neither');
  const trustProxy = values['trust-proxy'] === true || process.env['ANTICHAMBRE_HUB_TRUST_PROXY'] === '1';
  const adminEmail = process.env['ANTICHAMBRE_ADMIN_EMAIL'];
  const adminPassword = process.env['ANTICHAMBRE_ADMIN_PASSWORD'];
  const oidc = oidcFromEnv(process.env);
  const broker = values.broker ?? process.env['ANTICHAMBRE_HUB_BROKER'];
  if (broker !== undefined && !isPostgresUrl(db)) throw new UsageError('--broker: the nodes of a cluster share one PostgreSQL database; give --db postgres://… too (a SQLite file serves one node)');
  // Loaded only to serve: the admin commands start without the server's modules (fastify, socket.io, argon2, OpenID Connect, pg, ioredis).
  const { startHub } = await import('./hubServer.js');
  const hub = await startHub({
    db,
    ...(broker ? { broker } : {}),
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    trustProxy,
    port,
    host,
    ...(values.media ? { mediaDir: values.media } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(adminEmail ? { adminEmail } : {}),
    ...(adminPassword ? { adminPassword } : {}),
    ...(oidc ? { oidc } : {}),
    ...(existsSync(DASHBOARD_DIR) ? { dashboardDir: DASHBOARD_DIR } : {}),
    metrics,
    ...(notify ? { notify } : {}),
  });
  console.log(`Antichambre hub listening on ${hub.url}`);
  // Listening on every interface: the addresses the site's screens and browsers reach it at.
  if (host === '0.0.0.0' || host === '::') for (const address of networkAddresses()) console.log(`  network  ${hub.url.replace('127.0.0.1', address)}`);
  console.log(`  database ${isPostgresUrl(hub.paths.db) ? shownUrl(hub.paths.db) : hub.paths.db}`);
  console.log(`  media    ${hub.paths.mediaDir}`);
  if (broker) console.log(`  broker   ${shownUrl(broker)}`);
  console.log(`  metrics  ${hub.url}/metrics (${[metrics.token ? 'with the metrics token' : '', metrics.allow ? `from ${metrics.allow.join(', ')}` : ''].filter(Boolean).join(' or ') || 'from the loopback only'})`);
  if (notify) console.log(`  notify   ${notify.webhooks.length} webhook(s)${notify.email ? `, e-mail via ${notify.email.smtp.host}` : ''}; offline after ${notify.offlineAfterMinutes} min`);
  if (hub.firstAdministrator) {
    console.log(`First administrator: ${hub.firstAdministrator.email}`);
    if (hub.firstAdministrator.password) console.log(`  password (shown only now; the hub stores only its argon2id hash): ${hub.firstAdministrator.password}`);
  }
  if (oidc) console.log(`  single sign-on through ${oidc.issuer}`);
  const stop = (): void => {
    void hub.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (certFile) {
    // After a certificate renewal (certbot, an internal PKI): new connections get the new one, open ones go on.
    process.on('SIGHUP', () => {
      try {
        hub.reloadTls();
        console.log(`TLS certificate reloaded from ${certFile}`);
      } catch (error) {
        console.error(`TLS certificate not reloaded, the previous one is still served: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
}

/**
 * After a push or an alert to a site: how many screens it reaches, and a warning when none (a typo
 * reaches nobody, and the hub cannot tell it from a site still to be equipped). Only said: what was
 * sent stays sent, whether the list of screens can be read or not.
 */
async function reachOfSite(api: AdminClient, site: string, consequence: string): Promise<string> {
  let screens: ScreenList['screens'];
  try {
    ({ screens } = await api.json('GET', '/api/screens', ScreenList));
  } catch (error) {
    return `  (the screens of site ${site} could not be listed: ${(error as Error).message})`;
  }
  const count = screens.filter((s) => s.site === site).length;
  if (count > 0) return `  to the ${count} screen(s) of site ${site}`;
  const sites = [...new Set(screens.map((s) => s.site))].sort();
  return `warning: site ${site} has no screen (${consequence}); the sites with screens: ${sites.length > 0 ? sites.join(', ') : 'none yet'}`;
}

function printToken(created: ScreenToken, hubUrl: string): void {
  console.log(`screen ${created.screen.id} (${created.screen.name}, site ${created.screen.site}, ${created.screen.timezone})`);
  console.log(`token (shown only now): ${created.token}`);
  console.log(`player: --hub ${hubUrl} --screen ${created.screen.id} --token ${created.token}`);
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(values);
    case 'migrate': {
      const { db } = resolveDataPaths({ db: values.db ?? process.env['ANTICHAMBRE_HUB_DB'] ?? DEFAULT_DB, mediaDir: values.media }, process.cwd());
      const { migrateDatabase } = await import('./stores/index.js');
      const { description, from, to } = await migrateDatabase(db);
      console.log(from === to ? `${description}: schema already at version ${to}` : `${description}: schema migrated from version ${from} to ${to}`);
      return;
    }
    case 'screen': {
      const api = client(values);
      if (sub === 'add') {
        const id = need(rest[0], 'the screen id: screen add <id>');
        const body = { id, name: need(values.name, '--name'), site: need(values.site, '--site'), timezone: values.timezone ?? 'Europe/Paris' };
        return printToken(await api.json('POST', '/api/screens', ScreenToken, body), api.hubUrl);
      }
      if (sub === 'token') return printToken(await api.json('POST', `/api/screens/${encodeURIComponent(need(rest[0], 'the screen id'))}/token`, ScreenToken), api.hubUrl);
      if (sub === 'viewing') {
        const id = need(rest[0], 'the screen id: screen viewing <id>');
        const number = (name: 'diagonal' | 'distance' | 'width-px' | 'height-px'): number | undefined => {
          const text = values[name];
          if (text === undefined) return undefined;
          const value = Number(text.replace(',', '.'));
          if (!Number.isFinite(value)) throw new UsageError(`--${name} ${text}: expected a number`);
          return value;
        };
        const viewing = values.none
          ? null
          : {
              diagonalInches: number('diagonal') ?? need(undefined, '--diagonal INCHES (or --none)'),
              distanceM: number('distance') ?? need(undefined, '--distance METRES'),
              ...(values['width-px'] ? { widthPx: number('width-px') } : {}),
              ...(values['height-px'] ? { heightPx: number('height-px') } : {}),
            };
        const state = await api.json('PUT', `/api/screens/${encodeURIComponent(id)}/viewing`, ScreenViewingRequest, { viewing });
        console.log(state.viewing ? `${id}: ${state.viewing.diagonalInches} pouces/inches, lu à/read from ${state.viewing.distanceM} m` : `${id}: taille et distance effacées / size and distance unset`);
        return;
      }
      if (sub === 'list') {
        const { screens } = await api.json('GET', '/api/screens', ScreenList);
        for (const s of screens) console.log(`${s.id}\t${s.name}\t${s.site}\t${s.timezone}`);
        return;
      }
      if (sub === 'watts') {
        const id = need(rest[0], 'the screen id: screen watts <id> <watts | none>');
        const text = need(rest[1], 'the watts: screen watts <id> <watts | none>');
        const watts = text === 'none' ? null : Number(text);
        if (watts !== null && !(Number.isFinite(watts) && watts > 0)) throw new UsageError(`screen watts ${id} ${text}: expected a number of watts > 0, or none`);
        await api.json('PUT', `/api/screens/${encodeURIComponent(id)}/watts`, WattsResult, { watts });
        console.log(watts === null ? `${id}: no wattage (no energy figure in the reports)` : `${id}: ${watts} W`);
        return;
      }
      throw new UsageError('screen add|list|token|watts|viewing');
    }
    case 'site': {
      if (sub !== 'token') throw new UsageError('site token <site>');
      const site = need(rest[0], 'the site id: site token <site>');
      const { token } = await client(values).json('POST', `/api/sites/${encodeURIComponent(site)}/token`, SiteToken);
      console.log(`site ${site}: the ticket system posts to /api/sites/${site}/queue with "Authorization: Bearer ${token}" (shown only now)`);
      // Only a digest is kept (a copy of the database posts nothing): asking again makes a new one.
      console.log(`  the site's previous token, if it had one, no longer works: give this one to its ticket system`);
      return;
    }
    case 'accuracy': {
      const site = need(values.site, '--site');
      const { accuracy } = await client(values).json('GET', `/api/sites/${encodeURIComponent(site)}/accuracy`, AccuracyList);
      for (const a of accuracy) console.log(`${a.day}  ${a.service}  ${a.estimates} estimates  MAE ${a.meanAbsoluteErrorMin?.toFixed(1) ?? '-'} min  80 % interval held ${a.coverage === null ? '-' : `${Math.round(a.coverage * 100)} %`}`);
      if (accuracy.length === 0) console.log(`site ${site}: no estimate to compare yet (one counts when a screen of the site made it as a ticket was issued, and that ticket was called since)`);
      return;
    }
    case 'reach': {
      const site = need(values.site, '--site');
      const query = new URLSearchParams({ since: need(values.since, '--since (a day like 2026-12-01, or an ISO time)') });
      if (values.until) query.set('until', values.until);
      if (values.screen) query.set('screen', values.screen);
      if (values.csv) {
        query.set('format', 'csv');
        process.stdout.write(await client(values).text(`/api/sites/${encodeURIComponent(site)}/reach?${query}`));
        return;
      }
      const report = await client(values).json('GET', `/api/sites/${encodeURIComponent(site)}/reach?${query}`, ReachReport);
      if (values.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      console.log(reachLines(report).join('\n'));
      return;
    }
    case 'playlist': {
      if (sub !== 'push') throw new UsageError('playlist push <file.json...> --screen ID | --site ID');
      const files = rest;
      if (files.length === 0) throw new UsageError('missing playlist files: playlist push <file.json...>');
      const target = targetOf(values);
      const api = client(values);
      const layoutPath = values.layout;
      const layout = layoutPath === undefined || layoutPath === 'none' ? undefined : { path: layoutPath, layout: await readLayoutFile(layoutPath) };
      const prepared = await preparePush(files, api, values['media-url'] ?? api.hubUrl, layout, async (read) => {
        // Character height is checked for each target screen whose size and reading distance the hub knows.
        const { screens } = await api.json('GET', '/api/screens', ScreenList);
        // Each in its own zones: the layout pushed, else the one it has now.
        const viewings = await Promise.all(
          screens
            .filter((s) => ('screen' in target ? s.id === target.screen : s.site === target.site))
            .flatMap((s) => (s.viewing ? [{ screen: s.id, viewing: s.viewing }] : []))
            .map(async (v) => ({ ...v, layout: layoutPath === undefined ? (await api.json('GET', `/api/screens/${encodeURIComponent(v.screen)}/playlists`, ScreenSet)).layout : null })),
        );
        const findings = await lintPlaylistFiles(read, { layout: layout?.layout ?? null, viewings, strict: values.strict === true });
        for (const finding of findings) console.log(describeFileFinding(finding));
        const errors = findings.filter((f) => f.finding.severity === 'error').length;
        if (errors > 0) {
          throw new Error(
            `${errors} erreur(s) de lisibilité : rien n'a été envoyé / ${errors} readability error(s): nothing was pushed${values.strict ? ' (--strict: warnings count as errors)' : ''}`,
          );
        }
      });
      const body = { playlists: prepared.playlists, target, ...(values.replace ? { replace: true } : {}), ...(layoutPath === undefined ? {} : { layout: layout?.layout ?? null }) };
      const result = await api.json('POST', '/api/playlists', PushResult, body);
      console.log(`uploaded ${prepared.uploaded.length} file(s), ${prepared.alreadyThere} already on the hub`);
      if (layoutPath !== undefined) console.log(layout ? `layout ${layout.layout.id}: ${layout.layout.zones.map((zone) => `${zone.id} (${zone.kind})`).join(', ')}` : 'layout removed: its screens play full screen (or their site\'s layout)');
      for (const p of result.playlists) console.log(`playlist ${p.id} version ${p.version}`);
      for (const s of result.screens) console.log(`screen ${s.id}: revision ${s.revision ?? '-'}${s.online ? ', pushed now' : ', offline: gets it when it connects'}`);
      if ('site' in target && result.screens.length === 0) console.log(await reachOfSite(api, target.site, 'its screens get these playlists once they are added'));
      return;
    }
    case 'alert': {
      const api = client(values);
      if (sub === 'send') {
        const until = values.until ?? untilFromDuration(values.for ?? '1h', Date.now());
        const body = { ...(values.id ? { id: values.id } : {}), level: values.level ?? 'info', text: need(values.text, '--text'), until, target: targetOf(values) };
        const record = await api.json('POST', '/api/alerts', AlertRecord, body);
        console.log(`alert ${record.id} (${record.level}) until ${record.until}`);
        if ('site' in record.target) console.log(await reachOfSite(api, record.target.site, 'no screen shows it'));
        return;
      }
      if (sub === 'clear') {
        const record = await api.json('DELETE', `/api/alerts/${encodeURIComponent(need(rest[0], 'the alert id: alert clear <id>'))}`, AlertRecord);
        console.log(`alert ${record.id} cleared`);
        return;
      }
      throw new UsageError('alert send|clear');
    }
    case 'feed':
      return feedCommand(sub, rest, values);
    case 'command': {
      const type = need(sub, 'the command type');
      const api = client(values);
      const result = await api.json('POST', '/api/commands', CommandResult, { screen: need(values.screen, '--screen'), type });
      if (!result.ok) throw new Error(`${result.screen} refused ${result.type}: ${result.error ?? 'no reason given'}`);
      const data = result.data as { png?: unknown } | undefined;
      if (type === 'screenshot' && typeof data?.png === 'string') {
        const out = values.out ?? `${result.screen}-${Date.now()}.png`;
        await writeFile(out, Buffer.from(data.png, 'base64'));
        console.log(`screenshot of ${result.screen} written to ${out}`);
      } else console.log(`${result.screen}: ${result.type} ok`);
      return;
    }
    case 'impressions': {
      const api = client(values);
      const query = new URLSearchParams();
      if (values.since) query.set('since', values.since);
      if (values.until) query.set('until', values.until);
      if (values.screen) query.set('screen', values.screen);
      if (values.csv) {
        query.set('format', 'csv');
        process.stdout.write(await api.text(`/api/impressions?${query}`));
        return;
      }
      const { impressions } = await api.json('GET', `/api/impressions?${query}`, ImpressionList);
      for (const i of impressions) console.log(`${i.start}  ${i.screenId}  ${i.playlistId}/${i.itemId}  ${(i.durationMs / 1000).toFixed(1)} s${i.complete ? '' : ' (cut short)'}`);
      console.log(`${impressions.length} impression(s)`);
      return;
    }
    case 'user':
      return userCommand(sub, rest, values);
    case 'token':
      return tokenCommand(sub, rest, values);
    case 'audit':
      return auditCommand(values);
    case 'notify': {
      if (sub !== 'test') throw new UsageError('notify test --notify notify.json [--site SITE]');
      const file = need(values.notify ?? process.env['ANTICHAMBRE_NOTIFY_CONFIG'], '--notify notify.json');
      const results = await sendTestMessage(await readNotifyConfig(file), values.site ?? 'test', (line) => console.error(line));
      if (results.length === 0) throw new Error(`no webhook or recipient covers site ${values.site ?? 'test'}`);
      for (const result of results) console.log(`${result.ok ? 'ok    ' : 'FAILED'} ${result.channel}${result.error ? `: ${result.error}` : ''}`);
      if (results.some((result) => !result.ok)) process.exitCode = 1;
      return;
    }
    case 'power': {
      if (sub === 'holidays') {
        const yearText = need(rest[0], 'the year: power holidays <year>');
        const year = Number(yearText);
        if (!Number.isInteger(year) || year < 2000 || year > 2200) throw new UsageError(`power holidays ${yearText}: expected a year like 2027`);
        // The calendars of every country: loaded by this command only.
        const { holidayClosures } = await import('./publicHolidays.js');
        const holidays = holidayClosures(year, values.country ?? 'FR', values.region);
        if (!values.into) {
          console.log(JSON.stringify(holidays.map((h) => h.closure), null, 2));
          for (const h of holidays) console.error(`${h.closure.from!.slice(0, 10)}  ${h.name}`);
          return;
        }
        const schedule = await readPowerFile(values.into);
        const closed = [...(schedule.closed ?? [])];
        const added = holidays.filter((h) => !closed.some((c) => c.from === h.closure.from && c.until === h.closure.until));
        closed.push(...added.map((h) => h.closure));
        const updated = PowerSchedule.safeParse({ ...schedule, closed });
        if (!updated.success) throw new Error(`${values.into}: with the holidays added: ${formatIssues(updated.error)}`);
        await writeFile(values.into, `${JSON.stringify(updated.data, null, 2)}\n`);
        console.log(`${values.into}: ${added.length} holiday(s) added to "closed"${added.length > 0 ? ` (${added.map((h) => `${h.closure.from!.slice(0, 10)} ${h.name}`).join(', ')})` : ', all already there'}; send it with: power schedule ${values.into} --site …`);
        return;
      }
      const api = client(values);
      if (sub === 'schedule') {
        const file = need(rest[0], 'the schedule file: power schedule <hours.json | none>');
        const power = file === 'none' ? null : await readPowerFile(file);
        const result = await api.json('PUT', '/api/power/schedule', PowerScheduleResult, { target: targetOf(values), power });
        console.log(power ? `power schedule set: ${power.open === 'playlists' ? 'on while a playlist plays' : `${power.open.length} opening schedule(s)`}${power.closed ? `, ${power.closed.length} closure(s)` : ''}` : 'power schedule removed');
        for (const s of result.screens) console.log(`screen ${s.id}: revision ${s.revision ?? '- (nothing assigned: the schedule goes with its first playlists)'}${s.online ? ', sent now' : ', offline: gets it when it connects'}`);
        return;
      }
      if (sub === 'report') {
        const now = Date.now();
        const query = new URLSearchParams({ since: values.since ?? toUtcTime(now - 7 * 86_400_000), until: values.until ?? toUtcTime(now) });
        if (values.site) query.set('site', values.site);
        console.log(powerReportText(await api.json('GET', `/api/power/report?${query}`, PowerReport)));
        return;
      }
      throw new UsageError('power schedule|holidays|report');
    }
    case 'status': {
      const { screens } = await client(values).json('GET', '/api/screens', ScreenList);
      console.log(statusTable(screens, Date.now()));
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`, true);
  }
}

/** A number option, or undefined when absent (the hub's schema checks its range). */
function numberOption(values: Values, name: 'every' | 'max-items' | 'max-chars' | 'max-age-hours' | 'default-hours'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} ${text}: expected a number`);
  return value;
}

function listOption(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(',').map((part) => part.trim()).filter(Boolean);
}

function describeFeed(feed: FeedRecord): string {
  const state = feed.state;
  const what = feed.kind === 'cap' ? `${state.active} alerte(s) active(s) / active alert(s)` : `${state.active} élément(s) au bandeau / ticker item(s)`;
  const last = state.lastPollAt ? `relevé/polled ${state.lastPollAt}${state.lastError ? `, ERREUR/ERROR: ${state.lastError}` : ', ok'}` : 'pas encore relevé / not polled yet';
  return `${feed.id}\t${feed.kind}\t${feed.site}\t${feed.url}\tevery ${feed.everyMinutes} min\t${what}\t${last}`;
}

async function feedCommand(sub: string | undefined, rest: string[], values: Values): Promise<void> {
  const api = client(values);
  if (sub === 'list') {
    const { feeds } = await api.json('GET', '/api/feeds', FeedList);
    for (const feed of feeds) console.log(describeFeed(feed));
    if (feeds.length === 0) console.log('aucun flux / no feeds');
    return;
  }
  if (sub === 'add') {
    const id = need(rest[0], 'the feed id: feed add <id>');
    const kind = need(values.kind, '--kind cap|news');
    const cap = {
      ...(values['min-severity'] ? { minSeverity: values['min-severity'] } : {}),
      ...(values['urgent-severities'] ? { urgentSeverities: listOption(values['urgent-severities']) } : {}),
      ...(values['urgent-urgencies'] ? { urgentUrgencies: listOption(values['urgent-urgencies']) } : {}),
      ...(values.language ? { language: values.language } : {}),
      ...(values['default-hours'] ? { defaultHours: numberOption(values, 'default-hours') } : {}),
    };
    const news = {
      ...(values.zone ? { zone: values.zone } : {}),
      ...(values['max-items'] ? { maxItems: numberOption(values, 'max-items') } : {}),
      ...(values['max-chars'] ? { maxChars: numberOption(values, 'max-chars') } : {}),
      ...(values['max-age-hours'] ? { maxAgeHours: numberOption(values, 'max-age-hours') } : {}),
    };
    const body = {
      id,
      kind,
      site: need(values.site, '--site'),
      url: need(values.url, '--url'),
      ...(values.every ? { everyMinutes: numberOption(values, 'every') } : {}),
      ...(kind === 'cap' ? { cap } : {}),
      ...(kind === 'news' ? { news } : {}),
    };
    await api.json('POST', '/api/feeds', FeedRecord, body);
    // Polled once now, so that a wrong address or document shows at once.
    console.log(describeFeed(await api.json('POST', `/api/feeds/${encodeURIComponent(id)}/poll`, FeedRecord)));
    return;
  }
  if (sub === 'poll') {
    console.log(describeFeed(await api.json('POST', `/api/feeds/${encodeURIComponent(need(rest[0], 'the feed id: feed poll <id>'))}/poll`, FeedRecord)));
    return;
  }
  if (sub === 'remove') {
    const removed = await api.json('DELETE', `/api/feeds/${encodeURIComponent(need(rest[0], 'the feed id: feed remove <id>'))}`, FeedRecord);
    console.log(`flux supprimé / feed removed: ${removed.id}${removed.kind === 'cap' ? ' (ses alertes sont levées / its alerts are cleared)' : ' (son bandeau est vidé / its ticker playlist is emptied)'}`);
    return;
  }
  throw new UsageError('feed add|list|poll|remove');
}

/** A power schedule file, checked: a bad one names the file and the field. */
async function readPowerFile(path: string): Promise<PowerSchedule> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not JSON (${(error as Error).message})`}`);
  }
  const parsed = PowerSchedule.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (error) {
    // The whole usage only when no command was recognised; otherwise the one line that says what is wrong.
    if (error instanceof UsageError) console.error(error.whole ? `antichambre-hub: ${error.message}\n\n${USAGE}` : `antichambre-hub: ${error.message}\n(antichambre-hub help: every command and option)`);
    else console.error(`antichambre-hub: ${(error as Error).message}`);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  }
}
