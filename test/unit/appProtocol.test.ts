import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppHandler, fileForUrl } from '../../src/main/appProtocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src/main/contentSecurity.js';

const root = mkdtempSync(join(tmpdir(), 'antichambre-app-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
writeFileSync(join(root, 'assets/app.js'), 'console.log(1)');
writeFileSync(join(root, '..', 'secret.txt'), 'secret');

const handler = createAppHandler(root, async (path) => {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
});

describe('app:// protocol', () => {
  it('serves the app files with their types', async () => {
    const index = await handler(new Request('app://player/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>x</title>');
    const js = await handler(new Request('app://player/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('puts the CSP and nosniff on every response, found or not', async () => {
    for (const url of ['app://player/index.html', 'app://player/assets/app.js', 'app://player/missing.png', 'app://player/../secret.txt']) {
      const response = await handler(new Request(url));
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('serves nothing outside its folder or for another host', async () => {
    // Dot segments, encoded or not, fold into the root: the file asked for stays inside the folder.
    expect(fileForUrl(root, 'app://player/%2e%2e/secret.txt')).toBe(join(root, 'secret.txt'));
    expect(fileForUrl(root, 'app://player/..%2fsecret.txt')).toBe(join(root, 'secret.txt'));
    expect(fileForUrl(root, 'app://player/..%2f..%2fsecret.txt')).toBe(join(root, 'secret.txt'));
    expect(fileForUrl(root, 'app://other/index.html')).toBeNull();
    expect(fileForUrl(root, 'file:///etc/passwd')).toBeNull();
    expect(fileForUrl(root, 'app://player/a%00b')).toBeNull();
    expect((await handler(new Request('app://player/..%2f..%2fsecret.txt'))).status).toBe(404);
    expect((await handler(new Request('app://player/nope.js'))).status).toBe(404);
  });

  it('answers only GET, and a refusal carries the CSP too', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await handler(new Request('app://player/index.html', { method }));
      expect(response.status, method).toBe(404);
      expect(response.headers.get('content-security-policy'), method).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text(), method).not.toContain('<title>');
    }
    const other = await handler(new Request('app://elsewhere/index.html'));
    expect(other.status).toBe(404);
    expect(other.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('web player CSP', () => {
  it('index.html carries the same policy as the app:// responses (less what only a header can say)', () => {
    const html = readFileSync(join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    const headerOnly = new Set(['frame-ancestors']);
    expect(meta).toBe(CONTENT_SECURITY_POLICY.split('; ').filter((d) => !headerOnly.has(d.split(' ')[0]!)).join('; '));
  });
});
