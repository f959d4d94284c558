import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenList, ScreenToken } from '../../src/shared/adminApi.js';
import { missingFileErrors, type FileStatus } from '../../src/shared/mediaStatus.js';
import { StatusMessage } from '../../src/shared/protocol.js';
import { startHub, type RunningHub } from '../../src/hub/hubServer.js';
import { statusTable } from '../../src/hub/statusTable.js';
import { ADMIN_TOKEN, adminApi } from '../support/hubProcess.js';

/** `status.cache.errors` (extension): why wanted files are missing, checked, kept by the hub, shown by `antichambre-hub status`. */

const base = { at: '2026-12-01T03:00:00.000Z', revision: null, playing: null, outbox: 0, uptimeS: 10, version: '0.1.0' };
const NO_CORS = "mairie.example n'envoie pas Access-Control-Allow-Origin : le lecteur web ne peut pas le télécharger, le kiosque le peut · mairie.example sends no Access-Control-Allow-Origin: the web player cannot fetch it; the kiosk can (https://mairie.example/affiche.png)";
let hub: RunningHub;
const adminApiBody = async <T,>(method: string, path: string, body?: unknown): Promise<T> => (await adminApi<T>(hub, method, path, body)).body;

beforeAll(async () => {
  hub = await startHub({ db: join(mkdtempSync(join(tmpdir(), 'antichambre-cache-errors-')), 'hub.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, log: () => {} });
});
afterAll(async () => {
  await hub?.close();
});


const file = (n: number, error: string | undefined, state: FileStatus['state'] = 'failed'): FileStatus => ({ sha256: String(n).repeat(64).slice(0, 64), src: `https://x/${n}`, state, done: 0, total: null, attempts: 1, ...(error ? { error } : {}) });

describe('status.cache.errors', () => {
  it('lists the errors of files not ready, soonest needed first, each once, at most 5, each at most 500 characters', () => {
    const files = [file(1, 'a'), file(2, undefined, 'queued'), file(3, 'a'), file(4, 'ready but old error'), file(5, 'x'.repeat(600)), file(6, 'c'), file(7, 'd'), file(8, 'e'), file(9, 'f')];
    const errors = missingFileErrors(files, (sha) => sha === files[3]!.sha256);
    expect(errors).toEqual(['a', `${'x'.repeat(499)}…`, 'c', 'd', 'e']);
    expect(StatusMessage.safeParse({ ...base, cache: { bytes: 0, files: 0, missing: 9, errors } }).success).toBe(true);
    const tooMany = StatusMessage.safeParse({ ...base, cache: { bytes: 0, files: 0, missing: 9, errors: ['1', '2', '3', '4', '5', '6'] } });
    expect(tooMany.error?.issues[0]?.path).toEqual(['cache', 'errors']);
    const tooLong = StatusMessage.safeParse({ ...base, cache: { bytes: 0, files: 0, missing: 1, errors: ['x'.repeat(501)] } });
    expect(tooLong.error?.issues[0]?.path).toEqual(['cache', 'errors', 0]);
  });

  it('reaches the hub, is kept with the screen, and the status table says why a file is missing', async () => {
    const created = await adminApiBody<ScreenToken>('POST', '/api/screens', { id: 'accueil-web', name: 'Accueil', site: 'mairie', timezone: 'Europe/Paris' });
    const socket: Socket = await new Promise((resolve, reject) => {
      const s = io(`${hub.url}/screens`, { auth: { screenId: created.screen.id, token: created.token, protocol: 1, version: 'unit' }, transports: ['websocket'], reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    await socket.emitWithAck('hello', { revision: null, version: 'unit', timezone: 'Europe/Paris', screen: { width: 1920, height: 1080 } });
    socket.emit('status', { ...base, cache: { bytes: 0, files: 0, missing: 2, oldestMissingS: 30, errors: [NO_CORS, 'https://x/2: HTTP 404'] } });
    const listed = async () => (await adminApiBody<ScreenList>('GET', '/api/screens')).screens.find((s) => s.id === 'accueil-web');
    await expect.poll(async () => (await listed())?.status?.cache.errors, { timeout: 5_000 }).toEqual([NO_CORS, 'https://x/2: HTTP 404']);
    const row = statusTable([(await listed())!], Date.parse('2026-12-01T03:00:30.000Z')).split('\n')[1]!;
    expect(row).toContain(`0 files, 2 missing, why: ${NO_CORS.slice(0, 239)}… (+1 more)`);
    expect(row).toContain('mairie.example sends no Access-Control-Allow-Origin');
    socket.close();
  });
});
