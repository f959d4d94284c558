import { describe, expect, it } from 'vitest';
import { newPlayerPage, waitForItem } from '../support/browser.js';
import { makePlaylistsDir } from '../support/playlistsFixture.js';
import { useBrowserAndSite } from '../support/suite.js';

/** A text item's `colors` (extension, issue 20) are what the player paints, and what the content lint measures. */

const { browser, site } = useBrowserAndSite({
  playlistsDir: () =>
    makePlaylistsDir(
      [
        {
          id: 'infos',
          items: [
            { id: 'couleurs', type: 'text', duration: 30, title: 'Horaires d’hiver', body: 'Fermé le samedi après-midi', colors: { text: '#0b1f3a', background: '#fff8e1' } },
          ],
        },
      ],
      'colors-r1',
    ),
});

describe('text item colours', () => {
  it('paints the title and body in the item colour, on its background', async () => {
    const { page, errors } = await newPlayerPage(browser());
    await page.goto(site().url);
    await waitForItem(page, 'couleurs');
    const painted = await page.evaluate(() => {
      const item = document.querySelector('[data-item-id="couleurs"]')!;
      const style = (selector: string) => getComputedStyle(item.querySelector(selector)!);
      return { title: style('.text-title').color, body: style('.text-body').color, background: style('.text-slide').backgroundColor };
    });
    expect(painted).toEqual({ title: 'rgb(11, 31, 58)', body: 'rgb(11, 31, 58)', background: 'rgb(255, 248, 225)' });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
