import { afterAll, beforeAll } from 'vitest';
import type { PlaylistInput } from '../../src/shared/playlist.js';
import { startHubProcess, type HubProcess } from './hubProcess.js';
import { makePlaylistsDir } from './playlistsFixture.js';
import { useBrowserAndSite } from './suite.js';

/** What the web player plays before any hub has pushed anything. */
export const WELCOME_BUNDLE: PlaylistInput[] = [{ id: 'bundle', items: [{ id: 'bienvenue', type: 'text', duration: 4, title: 'Bienvenue' }] }];

/** The web player joined to a hub as a screen (protocol §2 settings in the query), with more settings in `extra`. */
export function playerUrl(siteUrl: string, hubUrl: string, screen: string, token: string, extra = ''): string {
  return `${siteUrl}?hub=${encodeURIComponent(hubUrl)}&screen=${screen}&token=${encodeURIComponent(token)}${extra}`;
}

/**
 * One Chromium, the web player on `playlists` and one hub process for a test file. `hub` is
 * filled in before the tests run (the same object throughout, so it can be used directly).
 */
export function useHubAndSite(playlists: PlaylistInput[] = WELCOME_BUNDLE, revision = 'bundle-r1') {
  const { browser, site } = useBrowserAndSite({ playlistsDir: () => makePlaylistsDir(playlists, revision) });
  const hub = {} as HubProcess;
  beforeAll(async () => {
    Object.assign(hub, await startHubProcess());
  });
  afterAll(async () => {
    await hub.stop?.();
  });
  return {
    browser,
    site,
    hub,
    playerUrl: (screen: string, token: string, extra = '') => playerUrl(site().url, hub.url, screen, token, extra),
  };
}
