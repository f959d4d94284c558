import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { mediaStoreStatus, parsePace, parseWanted } from '../../src/main/bridge.js';
import { DEFAULT_MEDIA_FILES_OPTIONS, MediaFiles } from '../../src/main/mediaFiles.js';
import { createMediaHandler } from '../../src/main/mediaProtocol.js';
import type { StaticSite } from './staticServer.js';

/** The kiosk's file store scheme (src/main/mediaProtocol.ts). */
export const APP_MEDIA = 'app://media';

export interface KioskBridge {
  store: MediaFiles;
  /** Where the page finds the store's files: `app://media` with `appScheme`, else a path under the site. */
  base: string;
  /** The URLs of the store's files the page asked for (under the site). */
  served: string[];
  /** Hands the store the wanted list held back (`hold`), and what the page wants from then on. */
  release(): void;
  /** Each pace the page asked the store for, in order (bytes per second, or null). */
  paces: (number | null)[];
}

/**
 * The kiosk's preload bridge in a test page, answered by a real file store (src/main/mediaFiles)
 * in this process, its files served by the real app://media handler under the site's origin
 * (Chromium in a test knows no app:// scheme). `hold` keeps the wanted list from the store
 * until `release`. `appScheme`: the store's status names `app://media` as in the kiosk, and the
 * page's media elements given an app://media URL load it from the handler under the site (what
 * Electron's protocol registration does in the kiosk); `window.__appMediaUrl(el)` answers the
 * app://media URL an element was given.
 */
export async function kioskBridge(context: BrowserContext, site: StaticSite, options: { hold?: boolean; appScheme?: boolean } = {}): Promise<KioskBridge> {
  const store = new MediaFiles(mkdtempSync(join(tmpdir(), 'antichambre-kiosk-media-')), { ...DEFAULT_MEDIA_FILES_OPTIONS, backoffBaseMs: 100, budgetBytes: 50_000_000 });
  await store.init();
  const served = `${site.url}kiosk-media`;
  const base = options.appScheme ? APP_MEDIA : served;
  let held: unknown = null;
  let holding = options.hold ?? false;
  await context.exposeBinding('__kioskMediaWant', (_source, files: unknown) => {
    if (holding) held = files;
    else store.want(parseWanted(files));
  });
  await context.exposeBinding('__kioskMediaStatus', () => mediaStoreStatus(store, base));
  await context.exposeBinding('__kioskMediaClear', () => store.clear());
  const paces: (number | null)[] = [];
  await context.exposeBinding('__kioskMediaPace', (_source, bytesPerSecond: unknown) => {
    const pace = parsePace(bytesPerSecond);
    paces.push(pace);
    store.setPace(pace);
  });
  const handler = createMediaHandler(store.folder, (sha256) => store.verifiedFile(sha256));
  const requested: string[] = [];
  await context.route(`${served}/**`, async (route) => {
    const request = route.request();
    requested.push(request.url());
    const response = await handler(new Request(request.url().replace(served, APP_MEDIA), { headers: await request.allHeaders() }));
    await route.fulfill({ status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) });
  });
  if (options.appScheme) {
    await context.addInitScript(
      ([scheme, servedAt]) => {
        const given = new WeakMap<Element, string>();
        const translated = (el: Element, value: string): string => {
          if (!value.startsWith(`${scheme}/`)) return value;
          given.set(el, value);
          return servedAt + value.slice(scheme!.length);
        };
        for (const proto of [HTMLImageElement.prototype, HTMLMediaElement.prototype, HTMLSourceElement.prototype, HTMLTrackElement.prototype]) {
          const src = Object.getOwnPropertyDescriptor(proto, 'src')!;
          Object.defineProperty(proto, 'src', {
            ...src,
            set(this: Element, value: string) {
              src.set!.call(this, translated(this, String(value)));
            },
          });
        }
        const setAttribute = Element.prototype.setAttribute;
        Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
          setAttribute.call(this, name, name.toLowerCase() === 'src' ? translated(this, String(value)) : value);
        };
        (window as unknown as { __appMediaUrl: (el: Element) => string | null }).__appMediaUrl = (el) => given.get(el) ?? null;
      },
      [APP_MEDIA, served],
    );
  }
  await context.addInitScript(() => {
    const page = window as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    (window as unknown as { antichambre: unknown }).antichambre = {
      getConfig: async () => ({ config: { lang: 'fr' } }),
      mediaWant: (files: unknown) => page.__kioskMediaWant!(files),
      mediaStatus: () => page.__kioskMediaStatus!(),
      mediaClear: () => page.__kioskMediaClear!(),
      mediaPace: (bytesPerSecond: unknown) => page.__kioskMediaPace!(bytesPerSecond),
    };
  });
  return {
    store,
    base,
    served: requested,
    paces,
    release: () => {
      holding = false;
      if (held !== null) store.want(parseWanted(held));
    },
  };
}
