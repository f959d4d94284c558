/**
 * npm run bench [-- <name>]: measures every figure (or one: decision, reach, ingest, scale, metrics, cluster, pg-ingest, adapters,
 * kiosk-cache, startup, transitions, zones, cache, backlog, wait-cost), prints it and writes it to bench/results/<date>-<commit>.json;
 * `npm run bench:readme` then writes the README's table. Builds what the benchmarks need first.
 * Asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { launchBrowser } from '../test/support/browser.js';
import { serveWeb } from '../test/support/staticServer.js';
import { runBundled } from './bundled.js';
import { benchAdapters } from './adapterBench.js';
import { benchCluster } from './clusterBench.js';
import { benchBacklog, benchIngest, benchScale } from './hubBench.js';
import { benchKioskMedia } from './kioskMedia.js';
import { benchMediaCache } from './mediaCache.js';
import { benchMetricsScrape } from './metricsScrape.js';
import { benchPgIngest } from './pgIngestBench.js';
import { REPO_ROOT, ResultFile } from './resultFile.js';
import { benchStartup } from './startup.js';
import { benchTransitions, benchZoneTransitions } from './transitions.js';
import { benchWaitCost } from './waitCost.js';

const NAMES = ['decision', 'reach', 'ingest', 'scale', 'metrics', 'cluster', 'pg-ingest', 'adapters', 'kiosk-cache', 'startup', 'transitions', 'zones', 'cache', 'backlog', 'wait-cost'] as const;
type Name = (typeof NAMES)[number];
const only = process.argv[2];
if (only !== undefined && !(NAMES as readonly string[]).includes(only)) {
  console.error(`bench: unknown benchmark "${only}"; one of ${NAMES.join(', ')}`);
  process.exit(2);
}
const wanted = (name: Name): boolean => !only || only === name;

/** What each benchmark runs: the web player (dist/web) or the hub (dist/hub). */
const needsWeb = (['startup', 'transitions', 'zones', 'cache', 'backlog', 'wait-cost'] as const).some(wanted);
const needsHub = (['ingest', 'scale', 'metrics', 'cluster', 'backlog', 'wait-cost'] as const).some(wanted);
const build = (script: string): void => void execFileSync('npm', ['run', '--silent', script], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (needsWeb) build('build:web');
if (needsHub) build('build:hub');

const results = new ResultFile();
console.log(`bench: results in ${results.toString()}`);
if (wanted('decision')) await runBundled('bench/decisionMain.ts', [REPO_ROOT]);
if (wanted('reach')) await runBundled('bench/reachMain.ts', [REPO_ROOT]);
if (wanted('ingest')) await benchIngest(results);
if (wanted('scale')) await benchScale(results);
if (wanted('metrics')) await benchMetricsScrape(results);
if (wanted('cluster')) await benchCluster(results);
if (wanted('pg-ingest')) await benchPgIngest(results);
if (wanted('adapters')) await benchAdapters(results);
if (wanted('kiosk-cache')) await benchKioskMedia(results);
if (needsWeb) {
  const browser = await launchBrowser();
  const site = await serveWeb();
  try {
    if (wanted('startup')) await benchStartup(browser, site, results);
    if (wanted('transitions')) await benchTransitions(browser, results);
    if (wanted('transitions') || wanted('zones')) await benchZoneTransitions(browser, results);
    if (wanted('cache')) await benchMediaCache(browser, results);
    if (wanted('backlog')) await benchBacklog(browser, site, results);
    if (wanted('wait-cost')) await benchWaitCost(browser, site, results);
  } finally {
    await browser.close();
    await site.close();
  }
}
console.log(`bench: results in ${results.toString()}; \`npm run bench:readme\` writes them into the README`);
