import type { Lang } from './i18n.js';
import { translatorOf, type French } from './schemaMessages.js';

/**
 * The journal's details in the dashboard's language. The hub writes them in English (its logs and
 * the CSV export keep them so); keys are the hub's own texts, each `${…}` written `{}`.
 * test/schemaMessages.test.ts reads every detail the hub's audit entries write and fails on one
 * missing here. A detail that is data (a screen's name, an email, a token's name) is shown as is.
 */
export const AUDIT_DETAILS_FR: Record<string, French> = {
  // How a session was opened (access.ts, `how`).
  password: 'par mot de passe',
  oidc: 'par le fournisseur d’identité (OIDC)',
  // A sign-in refused.
  'unknown email': 'adresse inconnue',
  'account disabled': 'compte désactivé',
  'wrong password': 'mot de passe incorrect',
  throttled: 'trop de tentatives : refusée sans vérifier',
  'oidc: account disabled': 'OIDC : compte désactivé',
  refused: 'refusée',
  // Users.
  'first administrator, made at first start': 'premier administrateur, créé au premier démarrage',
  'made at its first single sign-on': 'créé à sa première connexion par le fournisseur d’identité',
  'roles from the {} claim': 'rôles tirés de l’attribut « {1} » du fournisseur d’identité',
  'name: {} -> {}': 'nom : {1} → {2}',
  disabled: 'désactivé',
  enabled: 'réactivé',
  'password reset; {} {}session(s) ended': (ended, other) => `mot de passe réinitialisé ; ${ended} ${other ? 'autre(s) ' : ''}session(s) fermée(s)`,
  'changed by the user; {} other session(s) ended': 'changé par l’utilisateur ; {1} autre(s) session(s) fermée(s)',
  'everywhere, by an administrator: {} session(s)': 'partout, par un administrateur : {1} session(s)',
  'everywhere: {} session(s)': 'partout : {1} session(s)',
  '{} (user {})': '{1} (utilisateur {2})',
  // Screens and media.
  'code {}': 'code {1}',
  '{}, {} bytes': '{1}, {2} octets',
};

const entries = Object.entries(AUDIT_DETAILS_FR);
/** The details written as one text of several parts (`password reset; …`), and the parts a user change joins with `; `. */
const wholeInFrench = translatorOf(Object.fromEntries(entries.filter(([key]) => key.includes('; '))));
const inFrench = translatorOf(Object.fromEntries(entries.filter(([key]) => !key.includes('; '))));

/** A journal entry's detail in the dashboard's language: whole, else each of its `; `-joined parts. */
export function auditDetail(lang: Lang, detail: string): string {
  if (lang !== 'fr') return detail;
  const whole = wholeInFrench(detail);
  if (whole !== undefined) return whole;
  return detail
    .split('; ')
    .map((part) => inFrench(part) ?? part)
    .join(' ; ');
}

/**
 * The hub's own words in a journal entry's before and after values (admin.ts, power.ts, feeds.ts):
 * an alert's level and end, a command's result, `none`. The rest of a value is data (revisions
 * `hall-1=78b7b8bb`, roles `editor@mairie`, ids, a URL, JSON), shown as is. test/schemaMessages.test.ts
 * reads every text the hub writes there and fails on one neither here nor known as data.
 */
export const AUDIT_VALUES_FR: Record<string, French> = {
  '{} until {}': (level, until) => `${level === 'urgent' ? 'urgente' : level === 'info' ? 'information' : level} jusqu’au ${until}`,
  cleared: 'levée',
  ok: 'exécutée',
  'refused: {}': 'refusée : {1}',
  none: 'aucun',
};
const valueInFrench = translatorOf(AUDIT_VALUES_FR);

/** A before or after value in the dashboard's language; an alert cleared before (` (cleared)`) and a user disabled (`disabled `) too. */
export function auditValue(lang: Lang, value: string): string {
  if (lang !== 'fr') return value;
  if (value.endsWith(' (cleared)')) return `${auditValue(lang, value.slice(0, -' (cleared)'.length))} (levée)`;
  if (value.startsWith('disabled ')) return `désactivé ${value.slice('disabled '.length)}`;
  return valueInFrench(value) ?? value;
}
