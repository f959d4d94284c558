import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HUB_ENTRY, startHubProcess } from '../support/hubProcess.js';

/**
 * What the built hub loads to start: only what it uses. Single sign-on (openid-client) and the
 * feeds' readers (fast-xml-parser, htmlparser2) are loaded when configured or first used, and a
 * CLI command does not load the server (fastify, socket.io, prom-client): the suite starts the
 * hub and its CLI over a hundred times, and an operator's command should answer at once.
 *
 * Node's module hooks (`module.register`) note every package the hub's process imports.
 */

const dir = mkdtempSync(join(tmpdir(), 'antichambre-hub-modules-'));
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  if (!/^(\\.|\\/|node:|file:|data:)/.test(specifier)) appendFileSync(log, specifier + '\\n');
  return next(specifier, context);
}
`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url, { data: { log: process.env.PACKAGES_LOG } });\n`);
const nodeArgs = ['--import', pathToFileURL(join(dir, 'register.mjs')).href];

function packagesLoaded(file: string): Set<string> {
  return new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
}

describe('what the hub loads to start', () => {
  it('serves without loading single sign-on or the feeds’ parsers, which it has no use for yet', async () => {
    const file = join(dir, 'serve.log');
    writeFileSync(file, '');
    const hub = await startHubProcess({ nodeArgs, env: { PACKAGES_LOG: file } });
    const answer = await fetch(`${hub.url}/healthz`);
    await hub.stop();
    expect(answer.status).toBe(200);
    const loaded = packagesLoaded(file);
    // The hooks see the server's own packages: what is missing below is missing for real.
    expect(loaded).toContain('fastify');
    expect(loaded).toContain('socket.io');
    for (const name of ['openid-client', 'fast-xml-parser', 'htmlparser2']) expect(loaded, name).not.toContain(name);
  });

  it('answers a CLI command without loading the server', async () => {
    const file = join(dir, 'cli.log');
    writeFileSync(file, '');
    const code = await new Promise<number>((done) => {
      const child = execFile(process.execPath, [...nodeArgs, HUB_ENTRY, '--help'], { env: { ...process.env, PACKAGES_LOG: file } });
      child.on('exit', (exit) => done(exit ?? -1));
    });
    expect(code).toBe(0);
    const loaded = packagesLoaded(file);
    expect(loaded).toContain('zod');
    for (const name of ['fastify', 'socket.io', 'prom-client', 'better-sqlite3', 'openid-client']) expect(loaded, name).not.toContain(name);
  });
});
