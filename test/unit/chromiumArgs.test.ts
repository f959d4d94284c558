import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchBrowser, PLAYWRIGHT_DISABLED_FEATURES } from '../support/browser.js';

/** The features the installed playwright-core turns off, read from its code (`disabledFeatures = [ … ]`). */
function playwrightDisabledFeatures(): string[] {
  const root = dirname(createRequire(import.meta.url).resolve('playwright-core/package.json'));
  const code = readFileSync(join(root, 'lib', 'coreBundle.js'), 'utf8');
  const list = /disabledFeatures = \[([^\]]*)\]/.exec(code)?.[1];
  if (list === undefined) throw new Error(`no list of disabled features in ${join(root, 'lib', 'coreBundle.js')}: see where this playwright-core keeps chromiumSwitches`);
  return [...list.matchAll(/"([A-Za-z]+)"/g)].map((match) => match[1]!);
}

describe('the browser the tests launch', () => {
  it('turns off every feature playwright-core does (ours replaces its --disable-features: Chromium reads only the last)', () => {
    const theirs = playwrightDisabledFeatures();
    expect(theirs.length).toBeGreaterThan(5);
    expect(theirs.filter((feature) => !PLAYWRIGHT_DISABLED_FEATURES.includes(feature))).toEqual([]);
  });

  it("has no browser UI pages preloaded beside a page (the address bar's popups)", async () => {
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto('data:text/html,<p>Bienvenue</p>');
      await page.waitForTimeout(1_000);
      const cdp = await browser.newBrowserCDPSession();
      const { targetInfos } = await cdp.send('Target.getTargets');
      expect(targetInfos.map((target) => `${target.type} ${target.url}`).filter((target) => !target.startsWith('page '))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('starts one renderer per page, no spare one ahead of the next (each test page has a context of its own, which a spare never serves)', async () => {
    const browser = await launchBrowser();
    try {
      for (const text of ['Bienvenue', 'Horaires']) await (await (await browser.newContext()).newPage()).goto(`data:text/html,<p>${text}</p>`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const cdp = await browser.newBrowserCDPSession();
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
      expect(processInfo.filter((process) => process.type === 'renderer')).toHaveLength(2);
    } finally {
      await browser.close();
    }
  });
});
