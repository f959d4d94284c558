import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SIGNATURE_HEADER, WebhookMessage } from '../../src/shared/notifications.js';

/**
 * What notifications are sent to, for real, on loopback: an SMTP server (smtp-server, with
 * STARTTLS on a certificate made here with openssl, and a login) and an HTTP receiver that
 * checks each call's HMAC-SHA256 signature the way a town's own receiver would.
 */

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface MailReceiver {
  port: number;
  /** The certificate the server's STARTTLS shows (its own CA). */
  caFile: string;
  user: string;
  password: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startMailReceiver(): Promise<MailReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-smtp-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'smtp.key', '-out', 'smtp.pem', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { cwd: dir, stdio: 'ignore' });
  const user = 'antichambre';
  const password = 'mot-de-passe-smtp';
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    key: readFileSync(join(dir, 'smtp.key')),
    cert: readFileSync(join(dir, 'smtp.pem')),
    authMethods: ['PLAIN', 'LOGIN'],
    // No login before STARTTLS (the default: allowInsecureAuth false).
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            mails.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), subject: parsed.subject ?? '', text: parsed.text ?? '', raw });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, caFile: join(dir, 'smtp.pem'), user, password, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface ReceivedCall {
  message: WebhookMessage;
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  calls: ReceivedCall[];
  /** Answers this status to the next calls (then 200 again once they are used up). */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const calls: ReceivedCall[] = [];
  let failures = 0;
  let failStatus = 500;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures--;
        response.writeHead(failStatus).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      const given = Buffer.from(String(request.headers[SIGNATURE_HEADER] ?? ''));
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      calls.push({ message: WebhookMessage.parse(JSON.parse(body.toString('utf8'))), signatureValid });
      response.writeHead(signatureValid ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/antichambre/hook`,
    calls,
    failNext(count, status = 500) {
      failures = count;
      failStatus = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
