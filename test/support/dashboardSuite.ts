import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { newPlayerPage } from './browser.js';
import { ADMIN_TOKEN, startHubProcess, type HubProcess } from './hubProcess.js';
import { closeContexts, sharedBrowser } from './suite.js';

/**
 * One hub process and one dashboard page signed in with the admin token (1280×900) for a test file.
 * `hub` is filled in before the tests run (the same object throughout); `page()` is the page then.
 */
export function useDashboard(): { hub: HubProcess; page: () => Page } {
  const hub = {} as HubProcess;
  let page: Page | null = null;
  let browser: Browser | null = null;
  beforeAll(async () => {
    const [started, launched] = await Promise.all([startHubProcess(), sharedBrowser()]);
    Object.assign(hub, started);
    browser = launched;
    const opened = await newPlayerPage(browser, { width: 1280, height: 900 });
    await opened.context.addInitScript((token) => sessionStorage.setItem('antichambre.adminToken', token), ADMIN_TOKEN);
    page = opened.page;
  });
  afterAll(async () => {
    if (browser) await closeContexts(browser);
    await hub.stop?.();
  });
  return {
    hub,
    page: () => {
      if (!page) throw new Error('the dashboard page is opened before the tests run');
      return page;
    },
  };
}
