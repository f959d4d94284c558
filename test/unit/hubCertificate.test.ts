import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT, CHROMIUM_VERDICT, parseCaBundle, REFUSE, trustCaForHub, type VerifyRequest } from '../../src/main/hubCertificate.js';

/**
 * Security (issue 17): the kiosk trusts the town hall's CA (`caFile`) for the hub's https
 * certificate, and only for it. Certificates are made here with openssl: a CA, a hub
 * certificate it signs (through an intermediate too), and impostors. Electron's session is
 * the injected edge.
 */

let dir: string;
const pem = (name: string) => readFileSync(join(dir, name), 'utf8');
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

function issue(name: string, issuer: string | null, san: string, extra: string[] = []): void {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n${extra.join('\n')}\n`);
  if (issuer) openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  else openssl('x509', '-req', '-in', `${name}.csr`, '-signkey', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'antichambre-ca-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3', '-subj', '/CN=Mairie CA');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '3', '-subj', '/CN=Other CA');
  issue('hub', 'ca', 'DNS:hub.mairie.local,IP:10.0.0.5');
  issue('inter', 'ca', 'DNS:inter.invalid', ['basicConstraints=critical,CA:TRUE']);
  issue('hub-via-inter', 'inter', 'DNS:hub.mairie.local');
  issue('impostor', 'other-ca', 'DNS:hub.mairie.local');
  issue('self', null, 'DNS:hub.mairie.local');
});

const refusedByChromium = (hostname: string, data: string, issuerCert?: VerifyRequest['certificate']): VerifyRequest => ({
  hostname,
  verificationResult: 'net::ERR_CERT_AUTHORITY_INVALID',
  certificate: { data, ...(issuerCert ? { issuerCert } : {}) },
});

/** The session stand-in: records the proc Electron would call. */
function fakeSession() {
  let proc: ((request: VerifyRequest, callback: (verdict: number) => void) => void) | null = null;
  return {
    setCertificateVerifyProc: (next: typeof proc) => void (proc = next),
    verify: (request: VerifyRequest): number => {
      let verdict = NaN;
      proc!(request, (v) => (verdict = v));
      return verdict;
    },
    installed: () => proc !== null,
  };
}

describe('kiosk: the town hall CA for the hub (caFile)', () => {
  it('accepts the hub\'s certificate issued by the CA, directly or through an intermediate, by name or by IP', () => {
    const session = fakeSession();
    const lines: string[] = [];
    trustCaForHub(session, parseCaBundle(pem('ca.pem'), 'ca.pem'), 'https://hub.mairie.local:8443', (line) => lines.push(line));
    expect(session.verify(refusedByChromium('hub.mairie.local', pem('hub.pem')))).toBe(ACCEPT);
    expect(session.verify(refusedByChromium('hub.mairie.local', pem('hub-via-inter.pem'), { data: pem('inter.pem') }))).toBe(ACCEPT);
    const byIp = fakeSession();
    trustCaForHub(byIp, parseCaBundle(pem('ca.pem'), 'ca.pem'), 'https://10.0.0.5:8443', () => {});
    expect(byIp.verify(refusedByChromium('10.0.0.5', pem('hub.pem')))).toBe(ACCEPT);
    expect(lines).toEqual([]);
  });

  it('refuses impostors for the hub, leaves other hosts and system-trusted certificates to Chromium, and logs each refusal once', () => {
    const session = fakeSession();
    const lines: string[] = [];
    trustCaForHub(session, parseCaBundle(pem('ca.pem'), 'ca.pem'), 'https://hub.mairie.local:8443', (line) => lines.push(line));
    expect(session.verify(refusedByChromium('hub.mairie.local', pem('impostor.pem')))).toBe(REFUSE);
    expect(session.verify(refusedByChromium('hub.mairie.local', pem('impostor.pem')))).toBe(REFUSE);
    expect(session.verify(refusedByChromium('hub.mairie.local', pem('self.pem')))).toBe(REFUSE);
    // The CA's certificate for another name, presented by the hub: refused.
    const otherName = fakeSession();
    trustCaForHub(otherName, parseCaBundle(pem('ca.pem'), 'ca.pem'), 'https://autre.mairie.local', () => {});
    expect(otherName.verify(refusedByChromium('autre.mairie.local', pem('hub.pem')))).toBe(REFUSE);
    // A forged intermediate (not signed by the CA) does not help.
    expect(session.verify(refusedByChromium('hub.mairie.local', pem('hub-via-inter.pem'), { data: pem('impostor.pem') }))).toBe(REFUSE);
    // Other hosts, and what Chromium already trusts, keep Chromium's own verdict.
    expect(session.verify(refusedByChromium('cdn.example', pem('hub.pem')))).toBe(CHROMIUM_VERDICT);
    expect(session.verify({ ...refusedByChromium('hub.mairie.local', pem('impostor.pem')), verificationResult: 'net::OK' })).toBe(CHROMIUM_VERDICT);
    // Four refusals for the same host and reason: one line.
    expect(lines).toEqual(['tls: certificate of hub.mairie.local refused: net::ERR_CERT_AUTHORITY_INVALID, and not issued by the caFile CA']);
  });

  it('names the file when caFile holds no certificate', () => {
    expect(() => parseCaBundle('not a certificate', '/etc/antichambre/ca.pem')).toThrow('caFile /etc/antichambre/ca.pem: no PEM certificate in it');
  });
});
