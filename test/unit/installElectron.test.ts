import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm start`'s first step: Electron's binary that cannot be downloaded is said in words, not in a downloader's stack trace. */

const ROOT = resolve(import.meta.dirname, '../..');

function runScript(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/installElectron.ts')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('installing Electron for npm start', () => {
  it('says which source failed and what to do (a mirror, a proxy, the web player), in French then English, and fails', async () => {
    const asked: string[] = [];
    const mirror = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.writeHead(404).end('not here');
    });
    await new Promise<void>((ready) => mirror.listen(0, '127.0.0.1', ready));
    const url = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
    try {
      const { code, stderr } = await runScript({
        ELECTRON_MIRROR: url,
        // Another platform than this machine's: never "already installed", whatever node_modules holds.
        npm_config_platform: process.platform === 'win32' ? 'linux' : 'win32',
        electron_config_cache: mkdtempSync(join(tmpdir(), 'antichambre-electron-cache-')),
      });
      expect(code).toBe(1);
      expect(asked.some((path) => /electron-v[\d.]+-(win32|linux)-/.test(path))).toBe(true);
      expect(stderr).toContain(`l’exécutable d’Electron n’a pas pu être téléchargé depuis ELECTRON_MIRROR (${url})`);
      expect(stderr).toContain(`Electron's binary could not be downloaded from ELECTRON_MIRROR (${url})`);
      expect(stderr).toMatch(/\(HTTPError: .*404/);
      expect(stderr).toContain('npm run preview');
      expect(stderr).not.toMatch(/^\s+at /m);
    } finally {
      mirror.close();
    }
  });
});
