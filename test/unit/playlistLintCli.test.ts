import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/hub/cli.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { sha256OfFile } from '../../src/hub/playlistUpload.js';
import type { ScreenSet } from '../../src/shared/adminApi.js';

/** `antichambre-hub playlist push` lints before it uploads: errors refuse, --strict refuses warnings too. */

const ADMIN = 'lint-cli-admin-token-0123456789abcdef';
const FIXTURES = resolve(import.meta.dirname, '../fixtures/media');
let hub: RunningHub;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'antichambre-lint-cli-'));
  hub = await startHub({ db: join(dir, 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN, log: () => {} });
  await fetch(new URL('/api/screens', hub.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'accueil-1', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' }),
  });
});
afterAll(async () => {
  await hub?.close();
});

async function cli(args: string[]): Promise<{ out: string; error: Error | null }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    await run([...args, '--hub', hub.url, '--token', ADMIN]);
    return { out: lines.join('\n'), error: null };
  } catch (error) {
    return { out: lines.join('\n'), error: error as Error };
  } finally {
    log.mockRestore();
  }
}

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

async function setOf(screen: string): Promise<ScreenSet> {
  const response = await fetch(new URL(`/api/screens/${screen}/playlists`, hub.url), { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await response.json()) as ScreenSet;
}

describe('playlist push lints every item', () => {
  it('refuses a text below 3:1 before any upload, naming the file and the field', async () => {
    const file = write('pale.json', { id: 'pale', items: [{ id: 'horaires', type: 'text', duration: 20, title: 'Horaires', colors: { text: '#ffd23f', background: '#ffffff' } }] });
    const { out, error } = await cli(['playlist', 'push', file, '--screen', 'accueil-1']);
    expect(error?.message).toBe("1 erreur(s) de lisibilité : rien n'a été envoyé / 1 readability error(s): nothing was pushed");
    expect(out).toContain(`erreur/error ${file}: items[0].colors.text: contraste 1,44:1`);
    expect(out).toContain('contrast 1.44:1 between the text (title, #ffd23f) and its background (#ffffff)');
    expect((await setOf('accueil-1')).playlists).toEqual([]);
  });

  it('pushes with warnings (reading time, a talking video without captions), and --strict refuses them', async () => {
    copyFileSync(join(FIXTURES, 'talk.mp4'), join(dir, 'talk.mp4'));
    copyFileSync(join(FIXTURES, 'silent.mp4'), join(dir, 'silent.mp4'));
    const playlist = {
      id: 'accueil',
      items: [
        { id: 'rappel', type: 'text', duration: 3, title: 'Pensez à vos pièces justificatives', body: 'Carte d’identité, justificatif de domicile de moins de trois mois, photo conforme.' },
        { id: 'talk', type: 'video', src: 'talk.mp4', sha256: await sha256OfFile(join(dir, 'talk.mp4')) },
        { id: 'silent', type: 'video', src: 'silent.mp4', sha256: await sha256OfFile(join(dir, 'silent.mp4')) },
      ],
    };
    const file = write('accueil.json', playlist);

    const strict = await cli(['playlist', 'push', file, '--screen', 'accueil-1', '--strict']);
    expect(strict.error?.message).toBe("2 erreur(s) de lisibilité : rien n'a été envoyé / 2 readability error(s): nothing was pushed (--strict: warnings count as errors)");
    expect((await setOf('accueil-1')).playlists).toEqual([]);

    const { out, error } = await cli(['playlist', 'push', file, '--screen', 'accueil-1']);
    expect(error).toBeNull();
    const warnings = out.split('\n').filter((line) => line.startsWith('avertissement/warning'));
    expect(warnings).toEqual([
      `avertissement/warning ${file}: items[0].duration: 18 mots demandent 9 s à un lecteur lent (126 mots/min, IReST) : la durée est de 3 s`,
      `avertissement/warning ${file}: items[1].captions: la vidéo a une piste son mais pas de sous-titres : les écrans la passent sans le son`,
    ]);
    expect((await setOf('accueil-1')).playlists.map((p) => p.id)).toEqual(['accueil']);
  });
});
