import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppHandler } from '../../src/main/appProtocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src/main/contentSecurity.js';
import { createMediaHandler, mediaUrl, rangeOf, routeAppScheme, shaForMediaUrl, type ServedFile } from '../../src/main/mediaProtocol.js';

// The app://media handler over real files; the store's answer ("verified or not") is a map here.

const folder = mkdtempSync(join(tmpdir(), 'antichambre-served-'));
const video = new Uint8Array(1000).map((_, i) => i % 251);
const shaVideo = 'a'.repeat(64);
const shaImage = 'b'.repeat(64);
const shaPartial = 'c'.repeat(64);
const shaOutside = 'd'.repeat(64);
writeFileSync(join(folder, shaVideo), video);
writeFileSync(join(folder, shaImage), 'png bytes');
writeFileSync(join(folder, `${shaPartial}.part`), 'half');
writeFileSync(join(folder, '..', 'outside-secret'), 'secret');

const verified = new Map<string, ServedFile>([
  [shaVideo, { path: join(folder, shaVideo), bytes: video.length, type: 'video/mp4' }],
  [shaImage, { path: join(folder, shaImage), bytes: 9, type: 'image/png' }],
  // A store that answered a path out of its folder: refused all the same.
  [shaOutside, { path: join(folder, '..', 'outside-secret'), bytes: 6, type: 'text/plain' }],
]);
const asked: string[] = [];
const handler = createMediaHandler(folder, async (sha) => {
  asked.push(sha);
  return verified.get(sha) ?? null;
});
const get = (url: string, headers: Record<string, string> = {}) => handler(new Request(url, { headers }));
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe('app://media/<sha256>', () => {
  it('serves a verified file whole, with its type, length and the security headers', async () => {
    const response = await get(mediaUrl(shaVideo));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await bytesOf(response)).toEqual(video);
    const image = await get(mediaUrl(shaImage));
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(await image.text()).toBe('png bytes');
  });

  it('answers Range requests: from-to, open-ended, suffix; 416 past the end', async () => {
    const part = await get(mediaUrl(shaVideo), { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(part.headers.get('content-length')).toBe('100');
    expect(await bytesOf(part)).toEqual(video.subarray(100, 200));
    const tail = await get(mediaUrl(shaVideo), { Range: 'bytes=900-' });
    expect(tail.headers.get('content-range')).toBe('bytes 900-999/1000');
    expect(await bytesOf(tail)).toEqual(video.subarray(900));
    const suffix = await get(mediaUrl(shaVideo), { Range: 'bytes=-10' });
    expect(suffix.headers.get('content-range')).toBe('bytes 990-999/1000');
    expect(await bytesOf(suffix)).toEqual(video.subarray(990));
    const clipped = await get(mediaUrl(shaVideo), { Range: 'bytes=990-5000' });
    expect(clipped.headers.get('content-range')).toBe('bytes 990-999/1000');
    const past = await get(mediaUrl(shaVideo), { Range: 'bytes=1000-' });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */1000');
    // Several ranges or another unit: the whole file.
    expect((await get(mediaUrl(shaVideo), { Range: 'bytes=0-1,5-6' })).status).toBe(200);
    expect((await get(mediaUrl(shaVideo), { Range: 'items=0-1' })).status).toBe(200);
  });

  it('refuses anything not verified or outside the folder, and every other URL', async () => {
    for (const url of [
      mediaUrl(shaPartial), // only a .part: not verified
      mediaUrl('e'.repeat(64)), // unknown
      mediaUrl(shaOutside), // the store pointed outside the folder
      `app://media/${shaPartial}.part`,
      'app://media/..%2foutside-secret',
      'app://media/../outside-secret',
      `app://media/${shaVideo}/x`,
      `app://media/${shaVideo}?x=1`,
      `app://player/${shaVideo}`,
      `app://other/${shaVideo}`,
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await handler(new Request(mediaUrl(shaVideo), { method: 'POST', body: 'x' }))).status).toBe(404);
    // Only well-formed digests ever reach the store.
    expect(asked.every((sha) => /^[0-9a-f]{64}$/.test(sha))).toBe(true);
  });

  it('reads digests case-insensitively and nothing else as one', () => {
    expect(shaForMediaUrl(`app://media/${shaVideo.toUpperCase()}`)).toBe(shaVideo);
    expect(shaForMediaUrl(`app://media/${shaVideo.slice(1)}`)).toBeNull();
    expect(shaForMediaUrl(`https://media/${shaVideo}`)).toBeNull();
    expect(shaForMediaUrl('not a url')).toBeNull();
    expect(rangeOf('bytes=-0', 10)).toBe('unsatisfiable');
    expect(rangeOf('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(rangeOf(null, 10)).toBeNull();
  });

  it('one handler for the scheme: media by digest, the app files otherwise', async () => {
    const appRoot = mkdtempSync(join(tmpdir(), 'antichambre-approot-'));
    writeFileSync(join(appRoot, 'index.html'), '<title>app</title>');
    const route = routeAppScheme(
      createAppHandler(appRoot, async (path) => (path === join(appRoot, 'index.html') ? new TextEncoder().encode('<title>app</title>') : null)),
      handler,
    );
    expect(await (await route(new Request('app://player/index.html'))).text()).toBe('<title>app</title>');
    expect((await route(new Request(mediaUrl(shaImage)))).headers.get('content-type')).toBe('image/png');
    expect((await route(new Request(`app://player/${shaImage}`))).status).toBe(404);
  });
});
