import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenToken } from '../../src/shared/adminApi.js';
import { adminApi, connectScreen } from '../support/hubClient.js';
import { ADMIN_TOKEN, startHubProcess, type HubProcess } from '../support/hubProcess.js';

/** The hub as a service whose log reader may go away (`serve | head`, a collector restarted). */

let hub: HubProcess;
beforeAll(async () => {
  hub = await startHubProcess();
});
afterAll(async () => {
  await hub?.kill();
});

/** CPU seconds the process has used (user + system), from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('the hub without a reader of its logs', () => {
  it('serves on, idle, when its stdout and stderr pipes are closed and it has something to log', async () => {
    const api = adminApi(() => hub.url, ADMIN_TOKEN);
    const created = (await api<ScreenToken>('POST', '/api/screens', { id: 'pipe-1', name: 'pipe-1', site: 'pipes', timezone: 'Europe/Paris' })).body;
    hub.closeOutput();
    // Statuses the hub cannot read: each is logged ("status from pipe-1 ignored"), into a closed pipe.
    const socket = await connectScreen(hub.url, created);
    for (let k = 0; k < 5; k++) socket.emit('status', { nonsense: k });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = cpuSeconds(hub.pid);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Idle: a hub looping on its own failed log lines took a whole core here.
    expect(cpuSeconds(hub.pid) - before).toBeLessThan(0.5);
    expect((await fetch(new URL('/healthz', hub.url))).status).toBe(200);
    expect((await api('GET', '/api/screens/pipe-1/playlists')).status).toBe(200);
    socket.close();
  });
});
