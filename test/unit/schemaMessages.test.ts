import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_DETAILS_FR, AUDIT_VALUES_FR, auditDetail, auditValue } from '../../src/dashboard/auditDetails.js';
import { readLayout, fieldsOf } from '../../src/dashboard/layoutDraft.js';
import { readDraft } from '../../src/dashboard/playlistDraft.js';
import { FRENCH, hubMessage, schemaMessage } from '../../src/dashboard/schemaMessages.js';
import { layoutPreset } from '../../src/shared/layoutPresets.js';
import { PowerSchedule } from '../../src/shared/powerSchedule.js';
import { formatIssues } from '../../src/shared/validationError.js';

/**
 * The dashboard says the schemas' messages in French: every message of the schemas it parses with
 * (and that the hub answers with) has its French text, and none is kept for a message that is gone.
 */

/** The schemas whose messages reach the dashboard's pages (its forms, its editors, the hub's refusals). */
const SCHEMA_FILES = ['playlist', 'layout', 'powerSchedule', 'feeds', 'ids', 'pairing', 'adminApi', 'accounts', 'access', 'protocol'];

/** The quoted texts (in '' or ``) of a piece of source, each `${…}` written `{}`, as the dashboard's tables key them. */
function quotedTexts(source: string): string[] {
  return [...source.matchAll(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g)].map(([quoted]) => quoted.slice(1, -1).replace(/\\'/g, "'").replace(/\$\{[^}]*\}/g, '{}'));
}

/**
 * Each message as `FRENCH` keys it: on each line of code that gives an error or a message (or says
 * "expected …"), each quoted text with a space in it, `${…}` written `{}`. Comments are skipped.
 */
function messagesOf(source: string): string[] {
  const found = new Set<string>();
  for (const line of source.split('\n')) {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) continue;
    if (!/addIssue\(|error:|message:|'expected |`expected |`not a /.test(line)) continue;
    for (const text of quotedTexts(line)) if (text.includes(' ')) found.add(text);
  }
  return [...found];
}

const schemaMessages = SCHEMA_FILES.flatMap((name) => messagesOf(readFileSync(new URL(`../../src/shared/${name}.ts`, import.meta.url), 'utf8')));

describe('the schemas’ messages in the dashboard’s French', () => {
  it('has a French text for each message of the schemas the dashboard shows', () => {
    expect(schemaMessages.length).toBeGreaterThan(160);
    const missing = schemaMessages.filter((message) => !(message in FRENCH));
    expect(missing).toEqual([]);
  });

  it('keeps no French text for a message the schemas no longer have', () => {
    const known = new Set(schemaMessages);
    expect(Object.keys(FRENCH).filter((key) => !known.has(key))).toEqual([]);
  });

  it('says a playlist draft’s problems in French, zod’s own ones included, and in English when asked', () => {
    const text = JSON.stringify({
      id: 'accueil',
      items: [
        { id: 'a', type: 'image', duration: 0, src: 'https://example.org/a.png', sha256: 'abc', alt: 12 },
        { id: 'a', type: 'text', duration: 8, title: '' },
        { id: 'q', type: 'gif' },
      ],
    });
    const fr = readDraft(text, 'fr');
    const en = readDraft(text, 'en');
    if (fr.ok || en.ok) throw new Error('expected the draft to be refused');
    expect(fr.issues.map((issue) => issue.path)).toEqual(en.issues.map((issue) => issue.path));
    const said = Object.fromEntries(fr.issues.map((issue) => [issue.path, issue.message]));
    expect(said['items[0].sha256']).toBe('attendu : 64 caractères hexadécimaux');
    expect(said['items[0].duration']).toBe('attendu : une durée en secondes > 0');
    expect(said['items[1].title']).toBe('attendu : un titre non vide');
    expect(said['items[2].type']).toBe('attendu : un type parmi image, video, text, wait');
    // No message of ours for `alt`: zod's own, from its French locale.
    expect(said['items[0].alt']).toMatch(/^Entrée invalide/);
    for (const issue of fr.issues) expect(issue.message).not.toMatch(/expected|Invalid/);
    expect(Object.fromEntries(en.issues.map((issue) => [issue.path, issue.message]))['items[0].sha256']).toBe('expected 64 hex characters');
  });

  it('says a playlist id given twice with the id, and a layout’s names with their own words', () => {
    const twice = readDraft(JSON.stringify([{ id: 'p', items: [] }, { id: 'p', items: [] }]), 'fr');
    expect(twice.ok ? [] : twice.issues).toEqual([{ path: '[1].id', message: 'identifiant de liste « p » en double' }]);

    const fields = { ...fieldsOf(layoutPreset('carrousel-file').make(['etat-civil'])), serviceNames: 'etat-civil = Service de l’état civil et des affaires générales', counterNames: 'box 4 = Box 4' };
    const reading = readLayout(fields, null, 'fr');
    expect(reading.ok ? [] : reading.issues.map((issue) => issue.message)).toEqual([
      'etat-civil : attendu : un nom de service d’au plus 24 caractères (il se lit de l’autre bout de la salle)',
      'box 4 : pas un identifiant de guichet (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)',
    ]);
    const lines = readLayout({ ...fields, serviceNames: 'etat-civil = État civil\n= Accueil' , counterNames: '' }, null, 'fr');
    expect(lines.ok ? [] : lines.issues.map((issue) => issue.message)).toEqual(['ligne 2 : pas d’identifiant avant « = »']);
  });

  it('says a hub’s refusal problem by problem, paths kept, and leaves what is none of the schemas’ as it is', () => {
    const refused = PowerSchedule.safeParse({ open: [{ days: [8], hours: [{ start: '8h', end: '17:30' }] }], wakeBeforeMinutes: -1 });
    if (refused.success) throw new Error('expected the schedule to be refused');
    const line = formatIssues(refused.error);
    expect(line).toContain('open[0].days[0]: expected an ISO weekday 1 (Monday) to 7 (Sunday)');
    const said = hubMessage('fr', line);
    expect(said).toContain('open[0].days[0] : attendu : un jour de 1 (lundi) à 7 (dimanche)');
    expect(said).toContain('open[0].hours[0].start : attendu : une heure locale comme 08:30 (de 00:00 à 24:00)');
    expect(said).toContain('wakeBeforeMinutes : attendu : des minutes ≥ 0');
    expect(said.split(' ; ')).toHaveLength(refused.error.issues.length);
    expect(hubMessage('en', line)).toBe(line);
    expect(hubMessage('fr', 'screen accueil-9 is not paired')).toBe('screen accueil-9 is not paired');
    expect(schemaMessage('fr', 'expected at most 100 counter names')).toBe('attendu : au plus 100 noms de guichets');
  });
});

/** The hub's source files, every one under src/hub. */
function hubSources(dir = new URL('../../src/hub/', import.meta.url)): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? hubSources(new URL(`${entry.name}/`, dir)) : entry.name.endsWith('.ts') ? [readFileSync(new URL(entry.name, dir), 'utf8')] : [],
  );
}

/** What the hub writes as an audit entry's detail: the quoted texts of each entry's `detail:` (and of a user change's parts). */
function auditDetailsOf(sources: string[]): string[] {
  const found = new Set<string>();
  for (const line of sources.flatMap((source) => source.split('\n'))) {
    const at = line.includes("action: '") ? line.indexOf('detail:') : line.indexOf('changes.push(');
    if (at < 0) continue;
    for (const text of quotedTexts(line.slice(at).split(/ \}/)[0]!)) if (/[a-z]/.test(text)) found.add(text);
  }
  return [...found];
}

describe('the journal’s details in the dashboard’s French', () => {
  const details = auditDetailsOf(hubSources());
  // The session's `how` (access.ts: 'password' | 'oidc') is a variable, not a text on the entry's line.
  const written = [...details, 'password', 'oidc'];

  it('has a French text for each detail the hub writes, and none for a detail it no longer writes', () => {
    expect(details.length).toBeGreaterThan(15);
    expect(written.filter((detail) => !(detail in AUDIT_DETAILS_FR))).toEqual([]);
    expect(Object.keys(AUDIT_DETAILS_FR).filter((key) => !written.includes(key))).toEqual([]);
  });

  it('says a detail whole or part by part, values kept; data and English as they are', () => {
    expect(auditDetail('fr', 'password reset; 2 other session(s) ended')).toBe('mot de passe réinitialisé ; 2 autre(s) session(s) fermée(s)');
    expect(auditDetail('fr', 'password reset; 0 session(s) ended')).toBe('mot de passe réinitialisé ; 0 session(s) fermée(s)');
    expect(auditDetail('fr', 'name: Léa -> Léa Martin; disabled')).toBe('nom : Léa → Léa Martin ; désactivé');
    expect(auditDetail('fr', 'image/png, 48213 bytes')).toBe('image/png, 48213 octets');
    expect(auditDetail('fr', 'Accueil RDC')).toBe('Accueil RDC');
    expect(auditDetail('en', 'throttled')).toBe('throttled');
  });
});

/** The texts the hub writes as an audit entry's `before:` and `after:` (a template's inner literals, `' (cleared)'`, are not read: auditValue handles them). */
function auditValuesOf(sources: string[]): string[] {
  const found = new Set<string>();
  for (const line of sources.flatMap((source) => source.split('\n'))) {
    for (const key of ['before:', 'after:']) {
      for (let at = line.indexOf(key); at >= 0; at = line.indexOf(key, at + 1)) {
        const value = line.slice(at + key.length).split(/,\s*(?:detail|site|target|action|before|after)\s*:|\s\}\s*[,)]/)[0]!;
        for (const text of quotedTexts(value)) found.add(text);
      }
    }
  }
  return [...found];
}

/**
 * Values that are data (the first administrator's role, roles, a feed's kind and URL, watts, joined
 * parts), and an alert's `before` with its ` (cleared)` (auditValue reads the suffix, then the rest).
 */
const DATA_VALUES = ['admin@*', '{}@{}', '{} {}', '{} W', '{}{}', ' ', '{} until {}{}'];

describe('the journal’s before and after values in the dashboard’s French', () => {
  const values = auditValuesOf(hubSources());

  it('has a French text for each of the hub’s words there, and none for a word it no longer writes', () => {
    expect(values.length).toBeGreaterThan(8);
    expect(values.filter((value) => !(value in AUDIT_VALUES_FR) && !DATA_VALUES.includes(value))).toEqual([]);
    expect(Object.keys(AUDIT_VALUES_FR).filter((key) => !values.includes(key))).toEqual([]);
  });

  it('says an alert’s level and end, a command’s result, a cleared alert, a disabled user; data as it is', () => {
    expect(auditValue('fr', 'urgent until 2026-12-05T10:42:24.431Z')).toBe('urgente jusqu’au 2026-12-05T10:42:24.431Z');
    expect(auditValue('fr', 'info until 2026-12-05T10:42:24.431Z (cleared)')).toBe('information jusqu’au 2026-12-05T10:42:24.431Z (levée)');
    expect(auditValue('fr', 'cleared')).toBe('levée');
    expect(auditValue('fr', 'refused: screenshot: no window')).toBe('refusée : screenshot: no window');
    expect(auditValue('fr', 'disabled editor@mairie viewer@*')).toBe('désactivé editor@mairie viewer@*');
    expect(auditValue('fr', 'none')).toBe('aucun');
    expect(auditValue('fr', 'hall-1=78b7b8bb salle-2=-')).toBe('hall-1=78b7b8bb salle-2=-');
    expect(auditValue('en', 'urgent until 2026-12-05T10:42:24.431Z')).toBe('urgent until 2026-12-05T10:42:24.431Z');
  });
});
