import { describe, expect, it } from 'vitest';
import { newPlayerPage } from '../support/browser.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/** §1: nothing playable, the idle screen shows the clock and the screen's name, never a blank. */

const { browser, site } = useBrowserAndSite({ playlistsDir: () => makePlaylistsDir([{ id: 'vide', items: [] }], 'idle-r1') });

async function idleName(query: string): Promise<string | null> {
  const { context, page, errors } = await newPlayerPage(browser());
  await page.goto(`${site().url}${query}`);
  await page.waitForSelector('[data-idle]');
  const name = await page.textContent('[data-idle] .idle-name');
  expect(errors).toEqual([]);
  await context.close();
  return name;
}

describe('the idle screen', () => {
  it("shows the screen's id it was given (?screen=) when it has no other name", async () => {
    expect(await idleName('?screen=salle-etat-civil')).toBe('salle-etat-civil');
  });

  it('shows a welcome, not a made-up id, on a screen given no id', async () => {
    expect(await idleName('?lang=fr')).toBe('Bienvenue');
  });
});
