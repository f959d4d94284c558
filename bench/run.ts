/** npm run bench: prints every figure; asserts nothing. */
import { launchBrowser } from '../test/support/browser.js';
import { serveWeb } from '../test/support/staticServer.js';
import { runBundled } from './bundled.js';
import { benchBacklog, benchIngest, benchScale } from './hubBench.js';
import { benchKioskMedia } from './kioskMedia.js';
import { benchMediaCache } from './mediaCache.js';
import { benchStartup } from './startup.js';
import { benchTransitions } from './transitions.js';

const only = process.argv[2];
if (!only || only === 'decision') await runBundled('bench/decisionMain.ts');
if (!only || only === 'ingest') await benchIngest();
if (!only || only === 'scale') await benchScale();
if (!only || only === 'kiosk-cache') await benchKioskMedia();
const browser = await launchBrowser();
const site = await serveWeb();
try {
  if (!only || only === 'startup') await benchStartup(browser, site);
  if (!only || only === 'transitions') await benchTransitions(browser);
  if (!only || only === 'cache') await benchMediaCache(browser);
  if (!only || only === 'backlog') await benchBacklog(browser, site);
} finally {
  await browser.close();
  await site.close();
}
