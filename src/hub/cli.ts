import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AccuracyList, AlertRecord, CommandResult, SiteToken, ImpressionList, PushResult, ScreenList, ScreenToken } from '../shared/adminApi.js';
import { toUtcTime } from '../shared/ids.js';
import { AdminClient } from './adminClient.js';
import { shownBrokerUrl } from './clusterBroker.js';
import { DEFAULT_DB, isPostgresUrl, resolveDataPaths } from './dataPaths.js';
import { startHub } from './hubServer.js';
import { preparePush, readLayoutFile } from './playlistUpload.js';
import { statusTable } from './statusTable.js';
import { migrateDatabase } from './stores/index.js';
import { shownUrl } from './stores/postgres/index.js';

/** `antichambre-hub`: starts the hub (`serve`), or drives a running one through its admin API. */

const USAGE = `antichambre-hub <command>

  serve [--port 8080] [--host 0.0.0.0] [--db antichambre-hub.db | --db postgres://USER:PASSWORD@HOST/DB] [--media DIR]
        [--tls-cert cert.pem --tls-key key.pem] [--trust-proxy] [--broker redis://HOST:6379]
        env ANTICHAMBRE_HUB_PORT, ANTICHAMBRE_HUB_HOST, ANTICHAMBRE_HUB_DB, ANTICHAMBRE_HUB_BROKER, ANTICHAMBRE_ADMIN_TOKEN (>= 32 characters),
            ANTICHAMBRE_HUB_TLS_CERT, ANTICHAMBRE_HUB_TLS_KEY, ANTICHAMBRE_HUB_TRUST_PROXY=1
        TLS: HTTPS and WSS on the same port; SIGHUP reloads the certificate (after a renewal).
        --trust-proxy: behind nginx/Caddy only; client addresses come from X-Forwarded-For.
        --broker: one of several nodes (same --db postgres://…, same --media folder, same broker);
                  health for the balancer at /healthz, readiness (database, broker) at /readyz.
  migrate [--db antichambre-hub.db | --db postgres://…]
                                         brings the database's schema up to this hub's version (serve does it too)
  screen add <id> --name NAME --site SITE [--timezone Europe/Paris]
  screen list
  site token <site>                      the token its ticket system posts queue events with
  accuracy --site SITE                   estimates against realized waits, per service and day
  screen token <id>                      a new token (the old one stops working)
  playlist push <file.json...> --screen ID | --site ID [--replace] [--media-url URL] [--layout layout.json | --layout none]
                                         --layout: the zones of the target's screens (a screen's own wins over its site's);
                                         none: back to full screen (or to the site's layout)
  alert send --screen ID | --site ID --text TEXT [--level info|urgent] [--until ISO | --for 30m] [--id ID]
  alert clear <id>
  command <reload|restart|clear-cache|identify|screenshot> --screen ID [--out shot.png]
  impressions [--since ISO] [--until ISO] [--screen ID] [--csv]
  status

Admin commands talk to --hub URL (env ANTICHAMBRE_HUB_URL, default http://127.0.0.1:8080)
with --token T (env ANTICHAMBRE_ADMIN_TOKEN, printed at the hub's first start).`;

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
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

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
  if (!token) throw new UsageError('missing the admin token: --token T or ANTICHAMBRE_ADMIN_TOKEN (printed at the hub\'s first start)');
  return new AdminClient(hub, token);
}

/** The dashboard that `npm run build` writes beside the built hub (dist/dashboard next to dist/hub/hub.js). */
const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../dashboard');

/** An admin token set from the environment must be at least this long (a generated one is 43 characters of base64url). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

async function serve(values: Values): Promise<void> {
  const port = Number(values.port ?? process.env['ANTICHAMBRE_HUB_PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port}: expected a port number 0-65535`);
  const db = values.db ?? process.env['ANTICHAMBRE_HUB_DB'] ?? DEFAULT_DB;
  const adminToken = process.env['ANTICHAMBRE_ADMIN_TOKEN'];
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new UsageError(
      `ANTICHAMBRE_ADMIN_TOKEN: ${adminToken.length} characters, expected at least ${MIN_ADMIN_TOKEN_LENGTH} (make one with: openssl rand -base64 32); le jeton d'administration doit compter au moins ${MIN_ADMIN_TOKEN_LENGTH} caractères`,
    );
  }
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
  const broker = values.broker ?? process.env['ANTICHAMBRE_HUB_BROKER'];
  if (broker !== undefined && !isPostgresUrl(db)) throw new UsageError('--broker: the nodes of a cluster share one PostgreSQL database; give --db postgres://… too (a SQLite file serves one node)');
  const hub = await startHub({
    db,
    ...(broker ? { broker } : {}),
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    trustProxy,
    port,
    host: values.host ?? process.env['ANTICHAMBRE_HUB_HOST'] ?? '0.0.0.0',
    ...(values.media ? { mediaDir: values.media } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(existsSync(DASHBOARD_DIR) ? { dashboardDir: DASHBOARD_DIR } : {}),
  });
  console.log(`Antichambre hub listening on ${hub.url}`);
  console.log(`  database ${isPostgresUrl(hub.paths.db) ? shownUrl(hub.paths.db) : hub.paths.db}`);
  console.log(`  media    ${hub.paths.mediaDir}`);
  if (broker) console.log(`  broker   ${shownBrokerUrl(broker)}`);
  if (hub.newAdminToken) {
    console.log(`Admin token (shown only now; keep it, the hub stores only its hash):\n  ${hub.newAdminToken}`);
    console.log(`Use it with: export ANTICHAMBRE_ADMIN_TOKEN=${hub.newAdminToken}`);
  }
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

function printToken(created: ScreenToken, hubUrl: string): void {
  console.log(`screen ${created.screen.id} (${created.screen.name}, site ${created.screen.site}, ${created.screen.timezone})`);
  console.log(`token (shown only now): ${created.token}`);
  console.log(`player: --hub ${hubUrl} --screen ${created.screen.id} --token ${created.token}`);
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(values);
    case 'migrate': {
      const { db } = resolveDataPaths({ db: values.db ?? process.env['ANTICHAMBRE_HUB_DB'] ?? DEFAULT_DB, mediaDir: values.media }, process.cwd());
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
      if (sub === 'list') {
        const { screens } = await api.json('GET', '/api/screens', ScreenList);
        for (const s of screens) console.log(`${s.id}\t${s.name}\t${s.site}\t${s.timezone}`);
        return;
      }
      throw new UsageError('screen add|list|token');
    }
    case 'site': {
      if (sub !== 'token') throw new UsageError('site token <site>');
      const site = need(rest[0], 'the site id: site token <site>');
      const { token } = await client(values).json('POST', `/api/sites/${encodeURIComponent(site)}/token`, SiteToken);
      console.log(`site ${site}: the ticket system posts to /api/sites/${site}/queue with "Authorization: Bearer ${token}" (shown only now)`);
      return;
    }
    case 'accuracy': {
      const site = need(values.site, '--site');
      const { accuracy } = await client(values).json('GET', `/api/sites/${encodeURIComponent(site)}/accuracy`, AccuracyList);
      for (const a of accuracy) console.log(`${a.day}  ${a.service}  ${a.estimates} estimates  MAE ${a.meanAbsoluteErrorMin?.toFixed(1) ?? '-'} min  80 % interval held ${a.coverage === null ? '-' : `${Math.round(a.coverage * 100)} %`}`);
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
      const prepared = await preparePush(files, api, values['media-url'] ?? api.hubUrl, layout);
      const body = { playlists: prepared.playlists, target, ...(values.replace ? { replace: true } : {}), ...(layoutPath === undefined ? {} : { layout: layout?.layout ?? null }) };
      const result = await api.json('POST', '/api/playlists', PushResult, body);
      console.log(`uploaded ${prepared.uploaded.length} file(s), ${prepared.alreadyThere} already on the hub`);
      if (layoutPath !== undefined) console.log(layout ? `layout ${layout.layout.id}: ${layout.layout.zones.map((zone) => `${zone.id} (${zone.kind})`).join(', ')}` : 'layout removed: its screens play full screen (or their site\'s layout)');
      for (const p of result.playlists) console.log(`playlist ${p.id} version ${p.version}`);
      for (const s of result.screens) console.log(`screen ${s.id}: revision ${s.revision ?? '-'}${s.online ? ', pushed now' : ', offline: gets it when it connects'}`);
      return;
    }
    case 'alert': {
      const api = client(values);
      if (sub === 'send') {
        const until = values.until ?? untilFromDuration(values.for ?? '1h', Date.now());
        const body = { ...(values.id ? { id: values.id } : {}), level: values.level ?? 'info', text: need(values.text, '--text'), until, target: targetOf(values) };
        const record = await api.json('POST', '/api/alerts', AlertRecord, body);
        console.log(`alert ${record.id} (${record.level}) until ${record.until}`);
        return;
      }
      if (sub === 'clear') {
        const record = await api.json('DELETE', `/api/alerts/${encodeURIComponent(need(rest[0], 'the alert id: alert clear <id>'))}`, AlertRecord);
        console.log(`alert ${record.id} cleared`);
        return;
      }
      throw new UsageError('alert send|clear');
    }
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
    case 'status': {
      const { screens } = await client(values).json('GET', '/api/screens', ScreenList);
      console.log(statusTable(screens, Date.now()));
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (error) {
    if (error instanceof UsageError) console.error(`antichambre-hub: ${error.message}\n\n${USAGE}`);
    else console.error(`antichambre-hub: ${(error as Error).message}`);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  }
}
