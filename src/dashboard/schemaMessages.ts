import { z } from 'zod';
import type { Lang } from './i18n.js';

/**
 * The schemas' messages in the dashboard's language. The schemas in src/shared speak English (the
 * hub, the CLI and the player's logs say them as they are); the dashboard's French page says them in
 * French. Keys are the schemas' own texts, each `${…}` of a template written `{}`; a French text
 * takes the values back as `{1}`, `{2}`… in their order. test/schemaMessages.test.ts reads every
 * message of the schemas the dashboard parses with (and the hub answers with) and fails on one
 * missing here. What zod says itself (a wrong type, an unknown key) comes from zod's French locale.
 */
export type French = string | ((...values: string[]) => string);

/** The two words `layout.ts` puts in its services' and counters' messages. */
const NAMED: Record<string, { the: string; word: string; plural: string }> = {
  service: { the: 'le service', word: 'service', plural: 'services' },
  counter: { the: 'le guichet', word: 'guichet', plural: 'guichets' },
};
const named = (what: string) => NAMED[what] ?? { the: what, word: what, plural: what };

export const FRENCH: Record<string, French> = {
  // ids.ts
  'expected 1 to 64 characters among A-Z a-z 0-9 . _ -': 'attendu : 1 à 64 caractères parmi A-Z a-z 0-9 . _ -',
  'expected 64 hex characters': 'attendu : 64 caractères hexadécimaux',
  'expected a string id': 'attendu : un identifiant (texte)',
  'expected an ISO-8601 UTC time with milliseconds, like 2026-11-23T08:30:00.000Z': 'attendu : une heure UTC ISO 8601 avec millisecondes, comme 2026-11-23T08:30:00.000Z',
  'expected an ISO-8601 UTC time': 'attendu : une heure UTC ISO 8601',
  'not a real date and time (month 01-12, a day of that month, 00:00:00.000 to 23:59:59.999)': 'date ou heure impossible (mois 01 à 12, un jour de ce mois, 00:00:00.000 à 23:59:59.999)',

  // playlist.ts
  'expected a local date-time like 2026-12-01T08:30': 'attendu : une date et une heure locales comme 2026-12-01T08:30',
  'not a real date and time': 'date ou heure impossible',
  'expected a local time like 08:30': 'attendu : une heure locale comme 08:30',
  'expected a local time like 08:30 (00:00 to 24:00)': 'attendu : une heure locale comme 08:30 (de 00:00 à 24:00)',
  'expected an IANA time zone like Europe/Paris': 'attendu : un fuseau horaire IANA comme Europe/Paris',
  'unknown time zone (expected an IANA zone like Europe/Paris)': 'fuseau horaire inconnu (attendu : un fuseau IANA comme Europe/Paris)',
  'expected an ISO weekday number': 'attendu : un numéro de jour, de 1 (lundi) à 7 (dimanche)',
  'expected an ISO weekday 1 (Monday) to 7 (Sunday)': 'attendu : un jour de 1 (lundi) à 7 (dimanche)',
  'expected a list of ISO weekdays': 'attendu : une liste de jours (1 = lundi … 7 = dimanche)',
  'expected at least one weekday (omit days for every day)': 'attendu : au moins un jour (sans « days », tous les jours)',
  'expected at most 7 weekdays': 'attendu : au plus 7 jours',
  'expected a list of { start, end } windows': 'attendu : une liste de plages { start, end }',
  'expected at least one window (omit hours for all day)': 'attendu : au moins une plage (sans « hours », toute la journée)',
  'expected at most 48 windows': 'attendu : au plus 48 plages',
  'must be after from ({})': 'doit venir après la date de début (« from » : {1})',
  'expected a number of minutes': 'attendu : un nombre de minutes',
  'expected minutes >= 0': 'attendu : des minutes ≥ 0',
  'expected minutes > 0': 'attendu : des minutes > 0',
  'must be greater than min ({})': 'doit dépasser le minimum (« min » : {1})',
  'expected a duration in seconds': 'attendu : une durée en secondes',
  'expected a duration in seconds > 0': 'attendu : une durée en secondes > 0',
  'expected a duration of at most one day (86400 s)': 'attendu : une durée d’au plus un jour (86400 s)',
  'expected a URL or a path relative to the playlist file': 'attendu : une URL ou un chemin relatif au fichier de la liste',
  'expected an http(s) URL or a relative path': 'attendu : une URL http(s) ou un chemin relatif',
  'expected an http(s) URL or a relative path (not //host)': 'attendu : une URL http(s) ou un chemin relatif (pas //hôte)',
  'expected a size in bytes': 'attendu : une taille en octets',
  'expected a whole number of bytes': 'attendu : un nombre entier d’octets',
  'expected a size in bytes >= 0': 'attendu : une taille en octets ≥ 0',
  'expected a language tag like fr': 'attendu : un code de langue comme fr',
  'expected a language tag like fr or fr-FR': 'attendu : un code de langue comme fr ou fr-FR',
  'expected an https URL (a QR code on a public screen only leads to https)': 'attendu : une URL https (un QR code sur un écran public ne mène qu’en https)',
  'expected a URL of at most 1000 characters (a longer one makes a QR code too dense to scan from 2 m)': 'attendu : une URL d’au plus 1000 caractères (plus longue, le QR code est trop dense pour être lu à 2 m)',
  'expected a label': 'attendu : un libellé',
  'expected a label of at most 120 characters': 'attendu : un libellé d’au plus 120 caractères',
  'expected a colour like #0b1f3a': 'attendu : une couleur comme #0b1f3a',
  'expected a colour like #0b1f3a (#rrggbb or #rgb)': 'attendu : une couleur comme #0b1f3a (#rrvvbb ou #rvb)',
  'expected at most {} caption tracks': 'attendu : au plus {1} pistes de sous-titres',
  'expected a title': 'attendu : un titre',
  'expected a non-empty title': 'attendu : un titre non vide',
  'expected a title of at most 200 characters': 'attendu : un titre d’au plus 200 caractères',
  'expected a text body': 'attendu : un texte',
  'expected a body of at most 2000 characters': 'attendu : un texte d’au plus 2000 caractères',
  'expected type to be one of image, video, text, wait': 'attendu : un type parmi image, video, text, wait',
  'expected a name': 'attendu : un nom',
  'expected an integer priority': 'attendu : une priorité entière',
  'expected a list of items': 'attendu : une liste d’éléments',
  'expected at most {} items in a playlist': 'attendu : au plus {1} éléments dans une liste de lecture',
  'expected a share between 0 and 1, like 0.25': 'attendu : une part entre 0 et 1, comme 0.25',
  'expected a share above 0 (omit it for none)': 'attendu : une part au-dessus de 0 (sans « share », aucune)',
  'expected a share of at most 1': 'attendu : une part d’au plus 1',
  'expected a playlist object': 'attendu : un objet liste de lecture',
  'duplicate item id "{}"': 'identifiant d’élément « {1} » en double',
  'expected a list of playlists': 'attendu : une liste de listes de lecture',
  'expected at most {} playlists in a set': 'attendu : au plus {1} listes de lecture dans un envoi',
  'duplicate playlist id "{}"': 'identifiant de liste « {1} » en double',

  // layout.ts
  'expected a layout object': 'attendu : un objet disposition',
  'expected a list of zones': 'attendu : une liste de zones',
  'expected at least one zone': 'attendu : au moins une zone',
  'expected at most 16 zones': 'attendu : au plus 16 zones',
  'expected kind playlist, ticker, queue or clock': 'attendu : « kind » parmi playlist, ticker, queue ou clock',
  'expected a percentage of the screen (0 to 100)': 'attendu : un pourcentage de l’écran (0 à 100)',
  'expected a percentage of the screen (above 0, at most 100)': 'attendu : un pourcentage de l’écran (au-dessus de 0, au plus 100)',
  'expected a list of service ids': 'attendu : une liste d’identifiants de services',
  'expected at most 50 services': 'attendu : au plus 50 services',
  'expected a number of seconds': 'attendu : un nombre de secondes',
  'expected a number of seconds above 0': 'attendu : un nombre de secondes au-dessus de 0',
  'expected at most 3600 seconds': 'attendu : au plus 3600 secondes',
  'expected chime: true or false': 'attendu : « chime » à true ou false',
  'expected show overlay, zone or off': 'attendu : « show » parmi overlay, zone ou off',
  'expected a language tag like fr-FR': 'attendu : un code de langue comme fr-FR',
  'not a {} id (1 to 64 characters among A-Z a-z 0-9 . _ -)': (what) => `pas un identifiant de ${named(what).word} (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)`,
  'expected the name people read for the {}': (what) => `attendu : le nom que le public lit pour ${named(what).the}`,
  'expected the name people read for the {} (not empty)': (what) => `attendu : le nom que le public lit pour ${named(what).the} (non vide)`,
  'expected a {} name of at most {} characters (it is read from across the room)': (what, n) => `attendu : un nom de ${named(what).word} d’au plus ${n} caractères (il se lit de l’autre bout de la salle)`,
  'expected a {} name on one line, without control or invisible characters': (what) => `attendu : un nom de ${named(what).word} sur une ligne, sans caractère de contrôle ni invisible`,
  'expected an object of {} id: name': (what) => `attendu : un objet { identifiant : nom } des ${named(what).plural}`,
  'expected at most {} {} names': (n, what) => `attendu : au plus ${n} noms de ${named(what).plural}`,
  '"__proto__" cannot be a {} id: choose another': (what) => `« __proto__ » ne peut pas être un identifiant de ${named(what).word} : choisissez-en un autre`,
  'duplicate zone id "{}"': 'identifiant de zone « {1} » en double',
  'x + width is {}: the zone leaves the screen (at most 100)': 'x + width vaut {1} : la zone sort de l’écran (au plus 100)',
  'y + height is {}: the zone leaves the screen (at most 100)': 'y + height vaut {1} : la zone sort de l’écran (au plus 100)',
  'overlaps zone "{}"': 'chevauche la zone « {1} »',
  'zone "{}" is a {} zone: it plays no playlist': 'la zone « {1} » est une zone {2} : elle ne joue pas de liste de lecture',
  'unknown zone "{}" (the layout has {})': 'zone « {1} » inconnue (la disposition a {2})',
  'unknown zone "{}": without a layout the only zone is main': 'zone « {1} » inconnue : sans disposition, la seule zone est main',
  'missing: without a zone it plays in "{}", which the layout does not have (it has {})': 'manquant : sans zone, elle joue dans « {1} », que la disposition n’a pas (elle a {2})',

  // powerSchedule.ts
  'expected "playlists" or a list of schedules like [{ "days": [1, 2, 3, 4, 5], "hours": [{ "start": "08:30", "end": "17:30" }] }]': 'attendu : "playlists" ou une liste d’horaires comme [{ "days": [1, 2, 3, 4, 5], "hours": [{ "start": "08:30", "end": "17:30" }] }]',
  'expected a list of schedules': 'attendu : une liste d’horaires',
  'expected at least one schedule (or "playlists")': 'attendu : au moins un horaire (ou "playlists")',
  'expected at most {} schedules': 'attendu : au plus {1} horaires',
  'expected at most {} closures': 'attendu : au plus {1} fermetures',
  'expected a whole number of minutes': 'attendu : un nombre entier de minutes',
  'expected at most 240 minutes': 'attendu : au plus 240 minutes',
  'expected on, off or black': 'attendu : on, off ou black',

  // feeds.ts
  'expected an http(s) URL': 'attendu : une URL http(s)',
  'expected a URL of at most 2000 characters': 'attendu : une URL d’au plus 2000 caractères',
  'expected kind cap or news': 'attendu : « kind » à cap ou news',
  'expected minutes': 'attendu : des minutes',
  'expected whole minutes': 'attendu : des minutes entières',
  'expected at least 1 minute': 'attendu : au moins 1 minute',
  'expected at most 1440 minutes (a day)': 'attendu : au plus 1440 minutes (un jour)',
  'expected a CAP severity: {}': 'attendu : une gravité CAP parmi {1}',
  'expected a CAP urgency: {}': 'attendu : une urgence CAP parmi {1}',
  'a cap feed has no news options': 'un flux cap n’a pas d’options « news »',
  'a news feed has no cap options': 'un flux news n’a pas d’options « cap »',
  'a news feed needs the ticker zone it fills (news.zone)': 'un flux news a besoin de la zone de bandeau qu’il remplit (news.zone)',

  // pairing.ts
  'expected a pairing code': 'attendu : un code d’appairage',
  'expected the {} characters shown on the screen (digits 2 to 9 and letters, never 0, 1, I, L, O or U)': 'attendu : les {1} caractères affichés sur l’écran (chiffres 2 à 9 et lettres, jamais 0, 1, I, L, O ni U)',
  'expected the secret given with the code': 'attendu : le secret donné avec le code',

  // adminApi.ts
  'expected a non-empty name': 'attendu : un nom non vide',
  'expected a non-empty text': 'attendu : un texte non vide',
  'expected a screen name': 'attendu : un nom d’écran',
  'expected at most 120 characters': 'attendu : au plus 120 caractères',
  'expected at most 500 characters': 'attendu : au plus 500 caractères',
  'expected the alert text': 'attendu : le texte de l’alerte',
  'expected at least one playlist': 'attendu : au moins une liste de lecture',
  'expected { screen: id } or { site: id }': 'attendu : { screen: identifiant } ou { site: identifiant }',
  'expected a number of watts': 'attendu : un nombre de watts',
  'expected watts > 0': 'attendu : des watts > 0',
  'expected at most 10000 W': 'attendu : au plus 10000 W',
  'expected format json or csv': 'attendu : « format » à json ou csv',
  'must be after since': 'doit venir après « since »',
  'expected at most {} days after since': 'attendu : au plus {1} jours après « since »',
  'not a real day (month 01-12, a day of that month): {}': 'jour impossible (mois 01 à 12, un jour de ce mois) : {1}',
  "expected a day like 2026-12-01 (the site's local day) or a UTC time like 2026-12-01T08:00:00.000Z": 'attendu : un jour comme 2026-12-01 (le jour local du site) ou une heure UTC comme 2026-12-01T08:00:00.000Z',

  // accounts.ts
  'expected an email address': 'attendu : une adresse e-mail',
  'expected an email address like name@mairie.fr': 'attendu : une adresse e-mail comme nom@mairie.fr',
  'expected at most 254 characters': 'attendu : au plus 254 caractères',
  'expected at most 256 characters': 'attendu : au plus 256 caractères',
  'expected a password': 'attendu : un mot de passe',
  'expected at least {} characters': 'attendu : au moins {1} caractères',
  'expected the current password': 'attendu : le mot de passe actuel',
  'expected a name for the token': 'attendu : un nom pour le jeton',

  // access.ts
  'expected a role like editor@mairie or admin@*': 'attendu : un rôle comme editor@mairie ou admin@*',
  'expected a role: {}': 'attendu : un rôle parmi {1}',
  'expected at most 200 grants': 'attendu : au plus 200 rôles',
  '"{}": expected role@site or role@* with a role among {}': '« {1} » : attendu rôle@site ou rôle@* avec un rôle parmi {2}',

  // protocol.ts (a set's message, as the layout editor checks it and the hub answers it)
  'expected a revision string': 'attendu : une révision (texte)',
  'expected a revision string or null': 'attendu : une révision (texte) ou null',
  'expected a non-empty revision': 'attendu : une révision non vide',
  'expected a revision of at most 200 characters': 'attendu : une révision d’au plus 200 caractères',
  'expected a token string': 'attendu : un jeton (texte)',
  'expected a non-empty token': 'attendu : un jeton non vide',
  'expected the protocol number': 'attendu : le numéro de protocole',
  'expected the player version': 'attendu : la version du lecteur',
  'expected an IANA time zone': 'attendu : un fuseau horaire IANA',
  'expected level info or urgent': 'attendu : « level » à info ou urgent',
  'expected reload, restart, clear-cache, identify or screenshot': 'attendu : reload, restart, clear-cache, identify ou screenshot',
  'expected an event type': 'attendu : un type d’événement',
  'expected an event type of at most 64 characters': 'attendu : un type d’événement d’au plus 64 caractères',
  'expected an event detail': 'attendu : un détail d’événement',
  'expected a detail of at most 500 characters': 'attendu : un détail d’au plus 500 caractères',
  'expected at most {} errors': 'attendu : au plus {1} erreurs',
  'expected at most {} impressions': 'attendu : au plus {1} diffusions',
  'expected at most {} events': 'attendu : au plus {1} événements',
  'expected at most {} events (send more in several messages)': 'attendu : au plus {1} événements (envoyez le reste en plusieurs messages)',
  'expected at most {} estimates': 'attendu : au plus {1} estimations',
};

interface Template {
  pattern: RegExp;
  french: French;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function fill(french: French, values: string[]): string {
  if (typeof french === 'function') return french(...values);
  return french.replace(/\{(\d)\}/g, (_, n: string) => values[Number(n) - 1] ?? '');
}

/**
 * A table's texts found by their English: exact texts by key, then templates (`{}` for a value,
 * possibly empty) tried the longest key first, the most specific. Undefined for a text not in it.
 */
export function translatorOf(table: Record<string, French>): (english: string) => string | undefined {
  const exact = new Map<string, French>();
  const templates: Template[] = [];
  for (const [key, french] of Object.entries(table)) {
    if (key.includes('{}')) templates.push({ pattern: new RegExp(`^${key.split('{}').map(escape).join('(.*?)')}$`), french });
    else exact.set(key, french);
  }
  templates.sort((a, b) => b.pattern.source.length - a.pattern.source.length);
  return (english) => {
    const known = exact.get(english);
    if (known !== undefined) return fill(known, []);
    for (const { pattern, french } of templates) {
      const match = pattern.exec(english);
      if (match) return fill(french, match.slice(1));
    }
    return undefined;
  };
}

const inFrench = translatorOf(FRENCH);

/** One schema message in the dashboard's language (unchanged when English, or when it is none of the schemas'). */
export function schemaMessage(lang: Lang, message: string): string {
  return lang === 'fr' ? (inFrench(message) ?? message) : message;
}

/**
 * A hub's refusal (`[0].items[2].sha256: expected 64 hex characters; name: expected a name`) in the
 * dashboard's language: each problem's message after its path. Text that is not such a list is
 * said whole, as schemaMessage says it.
 */
export function hubMessage(lang: Lang, text: string): string {
  if (lang !== 'fr') return text;
  return text
    .split('; ')
    .map((part) => {
      const whole = schemaMessage(lang, part);
      if (whole !== part) return whole;
      const at = part.indexOf(': ');
      if (at <= 0) return part;
      const said = schemaMessage(lang, part.slice(at + 2));
      return said === part.slice(at + 2) ? part : `${part.slice(0, at)} : ${said}`;
    })
    .join(' ; ');
}

/** zod's French error map, made once (the editors parse at each keystroke). */
let zodFrench: z.core.ParseContext<z.core.$ZodIssue> | undefined;

/** What zod says itself, per parse (the schemas' own messages come first and are translated after). */
export function zodErrorsIn(lang: Lang): z.core.ParseContext<z.core.$ZodIssue> {
  if (lang !== 'fr') return {};
  zodFrench ??= { error: z.locales.fr().localeError };
  return zodFrench;
}

/** What an action's failure says, in the dashboard's language (a hub's refusal translated as hubMessage does). */
export function failureText(lang: Lang, failure: unknown): string {
  return hubMessage(lang, failure instanceof Error ? failure.message : String(failure));
}
