import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';

/**
 * Security (issue 17): media are served on the dashboard's origin, so an upload must not be
 * able to run script there. Types come from the bytes (a file that is not an image, video,
 * audio or WebVTT is refused, SVG and HTML included), and every media answer carries nosniff
 * and a sandboxing CSP; a file stored before these checks with another type is only a download.
 */

const ADMIN = 'media-safety-admin-token-0123456789abcdef';
const MEDIA_DIR = resolve(import.meta.dirname, '../../playlists/media');
let hub: RunningHub;
let dbPath: string;

async function upload(body: Buffer, type: string, sha256?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(sha256 ? `/api/media/${sha256}` : '/api/media', hub.url), {
    method: sha256 ? 'PUT' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': type },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'antichambre-media-safety-')), 'hub.db');
  hub = await startHub({ db: dbPath, port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});

describe('security: media served safely', () => {
  it('stores the bundled images and captions under the type their bytes say, whatever the uploader declared, with nosniff and a sandbox CSP', async () => {
    const files = readdirSync(MEDIA_DIR).filter((name) => /\.(png|jpe?g|webp|gif|vtt|webm)$/.test(name));
    expect(files.length).toBeGreaterThan(1);
    for (const name of files) {
      const bytes = readFileSync(join(MEDIA_DIR, name));
      const stored = await upload(bytes, 'text/html');
      expect(stored.status, name).toBe(201);
      const served = await fetch(new URL(`/media/${stored.body['sha256'] as string}`, hub.url));
      const expected = name.endsWith('.vtt') ? 'text/vtt' : name.endsWith('.webm') ? 'video/webm' : name.endsWith('.png') ? 'image/png' : name.endsWith('.webp') ? 'image/webp' : name.endsWith('.gif') ? 'image/gif' : 'image/jpeg';
      expect(served.headers.get('content-type'), name).toBe(expected);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toMatch(/(^|; )sandbox$/);
      expect(served.headers.get('content-disposition')).toBeNull();
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('refuses an SVG with script, HTML named as an image, and a script, from the bytes, on both upload routes', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>fetch("/api/screens")</script></svg>');
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    const script = Buffer.from('#!/bin/sh\nrm -rf /\n');
    for (const [bytes, type] of [
      [svg, 'image/svg+xml'],
      [html, 'image/png'],
      [script, 'video/mp4'],
    ] as const) {
      for (const sha256 of [undefined, sha(bytes)]) {
        const refused = await upload(bytes, type, sha256);
        expect(refused.status).toBe(415);
        expect(refused.body['error']).toMatch(/^body: not an image, video, audio or WebVTT file \(sent as ".+"; .*SVG, HTML and other documents are refused$/);
        expect((await fetch(new URL(`/media/${sha(bytes)}`, hub.url))).status).toBe(404);
      }
    }
  });

  it('recognises video and audio signatures', async () => {
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(40)]);
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(40)]);
    const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(40)]);
    for (const [bytes, type] of [
      [mp4, 'video/mp4'],
      [webm, 'video/webm'],
      [mp3, 'audio/mpeg'],
    ] as const) {
      const stored = await upload(bytes, 'application/octet-stream');
      expect(stored.status).toBe(201);
      expect((await fetch(new URL(`/media/${sha(bytes)}`, hub.url))).headers.get('content-type')).toBe(type);
    }
  });

  it('serves a file stored before the checks with a script-capable type only as a sandboxed download', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    writeFileSync(join(hub.paths.mediaDir, sha(svg)), svg);
    const db = new Database(dbPath);
    db.prepare('INSERT INTO media (sha256, bytes, type, stored_at) VALUES (?, ?, ?, ?)').run(sha(svg), svg.length, 'image/svg+xml', new Date().toISOString());
    db.close();
    const served = await fetch(new URL(`/media/${sha(svg)}`, hub.url));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toMatch(/sandbox/);
  });
});
