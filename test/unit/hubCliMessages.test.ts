import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addScreen, hubCli, startHubProcess, type HubProcess } from '../support/hubProcess.js';

/**
 * What the CLI tells a town hall's IT person on the traps a first run found (2026-12-05): a site
 * token that each run replaces, a target site with no screen (a typo reaches nobody), the first
 * API token, a usage error, and the addresses the hub is reached at.
 */

let hub: HubProcess;
beforeAll(async () => {
  hub = await startHubProcess();
  await addScreen(hub, 'accueil-1', 'mairie-centre');
});
afterAll(async () => {
  await hub.stop();
});

const postQueue = (site: string, token: string): Promise<Response> =>
  fetch(`${hub.url}/api/sites/${site}/queue`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [] }) });

describe('the hub CLI says what it does', () => {
  it('site token: says that the previous token stops working, and a post with it is told which token to use', async () => {
    const first = await hubCli(hub, ['site', 'token', 'mairie-centre']);
    const firstToken = /Bearer (\S+)"/.exec(first.stdout)![1]!;
    expect(first.stdout).toContain("the site's previous token, if it had one, no longer works");
    expect((await postQueue('mairie-centre', firstToken)).status).toBe(200);
    const second = await hubCli(hub, ['site', 'token', 'mairie-centre']);
    const secondToken = /Bearer (\S+)"/.exec(second.stdout)![1]!;
    const refused = await postQueue('mairie-centre', firstToken);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toContain('printed last (each run makes a new one and ends the one before)');
    expect((await postQueue('mairie-centre', secondToken)).status).toBe(200);
  });

  it('alert send and playlist push to a site with no screen: a warning naming the sites that have some', async () => {
    const typo = await hubCli(hub, ['alert', 'send', '--site', 'mairie-centr', '--text', 'Essai', '--for', '5m']);
    expect(typo.code).toBe(0);
    expect(typo.stdout).toContain('warning: site mairie-centr has no screen (no screen shows it); the sites with screens: mairie-centre');
    const right = await hubCli(hub, ['alert', 'send', '--site', 'mairie-centre', '--text', 'Essai', '--for', '5m']);
    expect(right.stdout).toContain('to the 1 screen(s) of site mairie-centre');
    expect(right.stdout).not.toContain('warning');

    const dir = mkdtempSync(join(tmpdir(), 'antichambre-cli-'));
    const file = join(dir, 'rappel.json');
    writeFileSync(file, JSON.stringify({ id: 'rappel', items: [{ id: 'pieces', type: 'text', duration: 10, title: 'Pensez à vos pièces justificatives' }] }));
    const pushed = await hubCli(hub, ['playlist', 'push', file, '--site', 'mairie-centr']);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain('warning: site mairie-centr has no screen (its screens get these playlists once they are added); the sites with screens: mairie-centre');
    const toScreens = await hubCli(hub, ['playlist', 'push', file, '--site', 'mairie-centre']);
    expect(toScreens.stdout).toContain('screen accueil-1: revision');
    expect(toScreens.stdout).not.toContain('warning');
  });

  it('accuracy with nothing to compare says so, and when an estimate counts (it printed nothing)', async () => {
    const empty = await hubCli(hub, ['accuracy', '--site', 'mairie-centre']);
    expect(empty.code).toBe(0);
    expect(empty.stdout.trim()).toBe('site mairie-centre: no estimate to compare yet (one counts when a screen of the site made it as a ticket was issued, and that ticket was called since)');
  });

  it('without an API token: how to get the first one; a usage error: one line, not the whole usage; help: the whole usage', async () => {
    const noToken = await hubCli(hub, ['token', 'create', 'cli'], '');
    expect(noToken.code).toBe(64);
    expect(noToken.stderr).toContain(`sign in to the dashboard (${hub.url}/) with the e-mail and password the hub printed at its first start, then "Mon compte"`);
    expect(noToken.stderr).toContain('ANTICHAMBRE_ADMIN_TOKEN set (at least 32 characters)');

    const missing = await hubCli(hub, ['alert', 'send', '--site', 'mairie-centre']);
    expect(missing.code).toBe(64);
    expect(missing.stderr.trim().split('\n')).toEqual(['antichambre-hub: missing --text', '(antichambre-hub help: every command and option)']);

    const unknown = await hubCli(hub, ['alerts']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('antichambre-hub: unknown command "alerts"');
    expect(unknown.stderr).toContain('site token <site>');

    const help = await hubCli(hub, ['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('a new token for its ticket system to post queue events with');
  });

  it('serve on every interface prints the addresses other PCs reach it at', async () => {
    const everywhere = await startHubProcess({ args: ['--host', '0.0.0.0'] });
    try {
      const addresses = Object.values(networkInterfaces())
        .flatMap((entries) => entries ?? [])
        .filter((entry) => entry.family === 'IPv4' && !entry.internal)
        .map((entry) => entry.address);
      await expect.poll(() => everywhere.output()).toContain('  database ');
      for (const address of addresses) expect(everywhere.output()).toContain(`  network  http://${address}:${everywhere.port}`);
      // The loopback-only hub of this suite prints none.
      expect(hub.output()).not.toContain('  network  ');
    } finally {
      await everywhere.stop();
    }
  });
});
