import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configAnswer } from '../../src/main/bridge.js';
import { redact } from '../../src/main/redaction.js';
import { createRotatingLog, LOG_FILE } from '../../src/main/rotatingLog.js';

const fixedNow = () => new Date('2026-12-01T08:00:00.000Z');

function tempDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'antichambre-log-')), 'logs');
}

describe('rotating log (real files)', () => {
  it('writes timestamped lines to logs/main.log, creating the folder', () => {
    const dir = tempDir();
    const log = createRotatingLog({ dir, maxBytes: 1_000_000, keep: 5, now: fixedNow });
    log('start: version 0.1.0');
    log('reload: renderer gone');
    expect(readFileSync(join(dir, LOG_FILE), 'utf8')).toBe('2026-12-01T08:00:00.000Z start: version 0.1.0\n2026-12-01T08:00:00.000Z reload: renderer gone\n');
  });

  it('rotates before a line would pass the size, keeps the newest files only, and stays under the cap', () => {
    const dir = tempDir();
    const log = createRotatingLog({ dir, maxBytes: 1_000, keep: 3, now: fixedNow });
    for (let n = 0; n < 400; n++) log(`line ${String(n).padStart(4, '0')} ${'x'.repeat(50)}`);
    expect(readdirSync(dir).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`, `${LOG_FILE}.3`]);
    for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).size, file).toBeLessThanOrEqual(1_000);
    // The newest lines are in main.log, the ones just before in main.log.1, and the oldest are gone.
    const current = readFileSync(join(dir, LOG_FILE), 'utf8');
    expect(current.trimEnd().split('\n').at(-1)).toContain('line 0399');
    const previous = readFileSync(join(dir, `${LOG_FILE}.1`), 'utf8').trimEnd().split('\n');
    expect(Number(/line (\d+)/.exec(previous.at(-1)!)![1]) + 1).toBe(Number(/line (\d+)/.exec(current)![1]));
    const all = readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8')).join('');
    expect(all).not.toContain('line 0000');
  });

  it('goes on from the size of a log left by the previous run', () => {
    const dir = tempDir();
    createRotatingLog({ dir, maxBytes: 100, keep: 2, now: fixedNow })('a'.repeat(60));
    createRotatingLog({ dir, maxBytes: 100, keep: 2, now: fixedNow })('b'.repeat(60));
    expect(readFileSync(join(dir, `${LOG_FILE}.1`), 'utf8')).toContain('a'.repeat(60));
    expect(readFileSync(join(dir, LOG_FILE), 'utf8')).toContain('b'.repeat(60));
  });

  it('never throws when the disk cannot be written', () => {
    const parent = mkdtempSync(join(tmpdir(), 'antichambre-log-'));
    writeFileSync(join(parent, 'logs'), 'a file where the folder should be');
    const log = createRotatingLog({ dir: join(parent, 'logs'), maxBytes: 100, keep: 2 });
    expect(() => log('lost line')).not.toThrow();
    expect(existsSync(join(parent, 'logs', LOG_FILE))).toBe(false);
  });
});

describe('the screen token never reaches the log', () => {
  const TOKEN = 'Zk3-secret_tok.EN42';

  it('replaces the token value wherever it appears', () => {
    expect(redact(`hub refused: wrong token ${TOKEN} for accueil-1`, [TOKEN])).toBe('hub refused: wrong token *** for accueil-1');
    expect(redact(`${TOKEN}${TOKEN}`, [TOKEN])).toBe('******');
  });

  it('replaces anything that looks like token=… even without knowing the value', () => {
    expect(redact('GET /screens?screenId=a&token=abc123&protocol=1')).toBe('GET /screens?screenId=a&token=***&protocol=1');
    expect(redact('auth {"screenId":"a","token":"abc123"}')).toBe('auth {"screenId":"a","token":"***"}');
    expect(redact('argv: electron . --token abc123 --screen a')).toBe('argv: electron . --token *** --screen a');
    expect(redact('argv: --token=abc123')).toBe('argv: --token=***');
    expect(redact('ANTICHAMBRE_TOKEN=abc123 npm start')).toBe('ANTICHAMBRE_TOKEN=*** npm start');
    expect(redact("config { token: 'abc123' }")).toBe("config { token: '***' }");
    // Words that merely contain "token" are left alone.
    expect(redact('tokens: 3, tokenizer ok')).toBe('tokens: 3, tokenizer ok');
  });

  it('redacts what is written to disk and what is echoed', () => {
    const dir = tempDir();
    const echoed: string[] = [];
    const log = createRotatingLog({ dir, maxBytes: 10_000, keep: 1, secrets: [TOKEN], now: fixedNow, echo: (line) => echoed.push(line) });
    log(`configuration: command line --token ${TOKEN}`);
    log(`connect_error for ${TOKEN}`);
    const text = readFileSync(join(dir, LOG_FILE), 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('connect_error for ***');
    expect(echoed.join('\n')).not.toContain(TOKEN);
    expect(echoed).toHaveLength(2);
  });

  it('keeps it off the screen too: config errors shown by the page are redacted', () => {
    const answer = configAnswer({ token: TOKEN }, [`/etc/antichambre/config.json: not valid JSON (Unexpected token, "{"token":"${TOKEN}" "hub…" is not valid JSON)`, `command line: name: ${TOKEN} is too long`]);
    expect(answer.error).not.toContain(TOKEN);
    expect(answer.error).toBe('/etc/antichambre/config.json: not valid JSON (Unexpected token, "{"token":"***" "hub…" is not valid JSON) · command line: name: *** is too long');
  });
});
