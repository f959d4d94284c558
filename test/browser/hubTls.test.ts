import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, addScreen, startHubProcess } from '../support/hubProcess.js';

/**
 * Security (issue 17): the hub serves HTTPS and WSS on one port with a certificate made here
 * (openssl, self-signed for 127.0.0.1), reloads it on SIGHUP, and speaks no plain HTTP then.
 */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function makeCertificate(dir: string, name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
}

/** GET over HTTPS trusting only `ca`: the status, the body and the certificate the hub presented. */
function httpsGet(url: string, ca: Buffer, token?: string): Promise<{ status: number; body: string; peer: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { ca, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, peer: new X509Certificate((response.socket as TLSSocket).getPeerCertificate(true).raw) }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('security: TLS', () => {
  it('serves the admin API over HTTPS and screens over WSS on one port, no plain HTTP, and a renewed certificate after SIGHUP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'antichambre-tls-'));
    makeCertificate(dir, 'antichambre-hub-1');
    const firstCa = readFileSync(join(dir, 'cert.pem'));
    const hub = await startHubProcess({ args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')] });
    cleanup.push(() => hub.stop());
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const screens = await httpsGet(`${hub.url}/api/screens`, firstCa, ADMIN_TOKEN);
    expect(screens.status).toBe(200);
    expect(screens.peer.subject).toContain('CN=antichambre-hub-1');
    // An untrusted certificate is refused by the client, and plain HTTP gets no answer from the API.
    await expect(httpsGet(`${hub.url}/api/screens`, Buffer.from(''), ADMIN_TOKEN)).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    const plain = await new Promise<string>((resolve) => {
      httpGet(hub.url.replace('https:', 'http:') + '/api/screens', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (response) => {
        response.resume();
        resolve(`status ${response.statusCode}`);
      }).on('error', (error) => resolve(`error ${error.message}`));
    });
    expect(plain).not.toBe('status 200');

    // A screen over WSS, trusting the hub's certificate.
    const token = await addScreenOverTls(hub.url, firstCa);
    const socket = io(`${hub.url}/screens`, { auth: { screenId: 'ecran-tls', token, protocol: 1, version: 'tls' }, transports: ['websocket'], reconnection: false, ca: firstCa.toString() });
    cleanup.push(async () => void socket.close());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(socket.connected).toBe(true);

    // Renewal: new files, SIGHUP, new connections see the new certificate; the screen stays connected.
    makeCertificate(dir, 'antichambre-hub-2');
    const secondCa = readFileSync(join(dir, 'cert.pem'));
    process.kill(hub.pid, 'SIGHUP');
    await expect.poll(() => hub.output(), { timeout: 10_000 }).toContain('TLS certificate reloaded');
    const renewed = await httpsGet(`${hub.url}/api/screens`, secondCa, ADMIN_TOKEN);
    expect(renewed.status).toBe(200);
    expect(renewed.peer.subject).toContain('CN=antichambre-hub-2');
    expect(socket.connected).toBe(true);
  });
});

/** `screen add` through the CLI needs the hub's CA: NODE_EXTRA_CA_CERTS is how a town hall's admin would give it. */
async function addScreenOverTls(url: string, ca: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-tls-ca-'));
  const caFile = join(dir, 'ca.pem');
  (await import('node:fs')).writeFileSync(caFile, ca);
  const previous = process.env['NODE_EXTRA_CA_CERTS'];
  process.env['NODE_EXTRA_CA_CERTS'] = caFile;
  try {
    return await addScreen({ url }, 'ecran-tls', 'mairie');
  } finally {
    if (previous === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
    else process.env['NODE_EXTRA_CA_CERTS'] = previous;
  }
}
