import { X509Certificate } from 'node:crypto';

/**
 * The town hall's own CA (`caFile`), trusted for the hub's https certificate in the kiosk:
 * Chromium's verdict stands whenever it accepts a certificate; when it refuses one, the
 * certificate is accepted only if it is presented by the hub's host, is valid now, names
 * that host, and chains (through the chain the server sent) to a certificate of `caFile`.
 * Electron's session is injected (setCertificateVerifyProc), so this runs without Electron.
 */

/** What Electron passes to a certificate verify proc (the parts used here). */
export interface VerifyRequest {
  hostname: string;
  verificationResult: string;
  certificate: ElectronCertificate;
}
export interface ElectronCertificate {
  /** PEM. */
  data: string;
  issuerCert?: ElectronCertificate | null;
}
export interface VerifyingSession {
  setCertificateVerifyProc(proc: ((request: VerifyRequest, callback: (verdict: number) => void) => void) | null): void;
}

/** Chromium's codes: 0 accept, -2 refuse, -3 use Chromium's own verdict. */
export const ACCEPT = 0;
export const REFUSE = -2;
export const CHROMIUM_VERDICT = -3;

/** Reads every certificate of a PEM bundle; throws naming the file when there is none or one is broken. */
export function parseCaBundle(pem: string, path: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`caFile ${path}: no PEM certificate in it`);
  return blocks.map((block, k) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new Error(`caFile ${path}: certificate ${k + 1} unreadable: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** The verdict for one request (pure; the session glue is `trustCaForHub`). */
export function verdictFor(request: VerifyRequest, cas: readonly X509Certificate[], hubHost: string, now: number): { verdict: number; why: string } {
  if (request.verificationResult === 'net::OK') return { verdict: CHROMIUM_VERDICT, why: 'trusted by the system' };
  if (request.hostname !== hubHost) return { verdict: CHROMIUM_VERDICT, why: `${request.hostname} is not the hub (${hubHost})` };
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(request.certificate.data);
  } catch {
    return { verdict: REFUSE, why: 'unreadable certificate' };
  }
  if (Date.parse(leaf.validFrom) > now || Date.parse(leaf.validTo) < now) return { verdict: REFUSE, why: `certificate not valid now (${leaf.validFrom} to ${leaf.validTo})` };
  const names = /^\d+\.\d+\.\d+\.\d+$|:/.test(hubHost) ? leaf.checkIP(hubHost) : leaf.checkHost(hubHost);
  if (!names) return { verdict: REFUSE, why: `certificate does not name ${hubHost}` };
  // Walk up the chain the server sent: each link signed by the next, until one is signed by a CA of caFile.
  let current: X509Certificate | null = leaf;
  let next: ElectronCertificate | null | undefined = request.certificate.issuerCert;
  for (let depth = 0; current && depth < 8; depth++) {
    const cert: X509Certificate = current;
    if (cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return { verdict: ACCEPT, why: 'issued by the caFile CA' };
    if (!next) break;
    let issuer: X509Certificate;
    try {
      issuer = new X509Certificate(next.data);
    } catch {
      break;
    }
    if (!(cert.checkIssued(issuer) && cert.verify(issuer.publicKey)) || !issuer.ca) break;
    current = issuer;
    next = next.issuerCert;
  }
  return { verdict: REFUSE, why: `${request.verificationResult}, and not issued by the caFile CA` };
}

/** Installs the verify proc on the session; answers its disposer (which puts Chromium's own verification back). */
export function trustCaForHub(session: VerifyingSession, cas: readonly X509Certificate[], hubUrl: string, log: (line: string) => void, now: () => number = Date.now): () => void {
  const hubHost = new URL(hubUrl).hostname.replace(/^\[|\]$/g, '');
  const refused = new Set<string>();
  session.setCertificateVerifyProc((request, callback) => {
    const { verdict, why } = verdictFor(request, cas, hubHost, now());
    // Logged once per host and reason: a refused hub is retried every few seconds.
    if (verdict === REFUSE && !refused.has(`${request.hostname} ${why}`)) {
      refused.add(`${request.hostname} ${why}`);
      log(`tls: certificate of ${request.hostname} refused: ${why}`);
    }
    callback(verdict);
  });
  return () => session.setCertificateVerifyProc(null);
}
