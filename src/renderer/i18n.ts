import { nameOf } from '../shared/layout.js';
/** The player's own words, French first. */
const fr = {
  welcome: 'Bienvenue',
  screen: 'Écran',
  configError: 'Configuration invalide',
  configErrorHelp: 'Le lecteur continue avec les autres réglages. Corrigez le fichier et le réglage indiqués, puis redémarrez.',
  configErrorHelpAddress: 'Le lecteur continue avec les autres réglages. Corrigez le réglage indiqué dans l’adresse de la page, puis rechargez-la.',
  loading: 'Préparation des contenus…',
  urgent: 'Information importante',
  info: 'Information',
  identify: 'Identification de l’écran',
  // Queue board and zone (§6), and call announcements.
  called: 'Appelés',
  counter: (counter: string) => `guichet ${counter}`,
  noCalls: 'Aucun appel pour le moment',
  waitHeading: 'Attente estimée',
  serviceClosed: 'Service fermé',
  noEstimate: 'Estimation indisponible',
  /** Realized waits keep falling outside the range lately: no number rather than a wrong one. */
  waitUnavailable: 'Attente indisponible',
  /** `showWait` calls-only or off: no figure. */
  calledOnScreen: 'Vous serez appelé à l’écran',
  pleaseWait: 'Merci de votre patience',
  waiting: (people: number, counters: number) => `${people} personne${people > 1 ? 's' : ''} en attente · ${counters} guichet${counters > 1 ? 's' : ''} ouvert${counters > 1 ? 's' : ''}`,
  under5: 'moins de 5 min',
  under10: 'moins de 10 min',
  overHours: (hours: number) => `plus d’${hours} h`,
  range: (low: number, high: number) => `${low} à ${high} min`,
  callBanner: 'Ticket appelé',
  goTo: 'Présentez-vous au',
  /** Before a counter's own name (the layout's `counterNames`: "Box 3", "Salle de prélèvement"). */
  goToNamed: 'Présentez-vous\u202f:',
  /** `where`: "guichet 3", or the counter's name. */
  spokenCall: (ticket: string, where: string) => `Ticket ${ticket}, ${where}`,
  asleep: 'Écran en veille',
  wakes: (when: string) => `rallumage ${when}`,
};
export type Strings = typeof fr;
const en: Strings = {
  welcome: 'Welcome',
  screen: 'Screen',
  configError: 'Invalid configuration',
  configErrorHelp: 'The player goes on with the other settings. Fix the file and setting named here, then restart.',
  configErrorHelpAddress: 'The player goes on with the other settings. Fix the setting named here in the page’s address, then reload it.',
  loading: 'Preparing content…',
  urgent: 'Important notice',
  info: 'Notice',
  identify: 'Screen identification',
  called: 'Called',
  counter: (counter: string) => `counter ${counter}`,
  noCalls: 'No calls yet',
  waitHeading: 'Estimated wait',
  serviceClosed: 'Service closed',
  noEstimate: 'No estimate available',
  waitUnavailable: 'Wait unavailable',
  calledOnScreen: 'You will be called on screen',
  pleaseWait: 'Thank you for waiting',
  waiting: (people: number, counters: number) => `${people} waiting · ${counters} counter${counters > 1 ? 's' : ''} open`,
  under5: 'under 5 min',
  under10: 'under 10 min',
  overHours: (hours: number) => `over ${hours} h`,
  range: (low: number, high: number) => `${low} to ${high} min`,
  callBanner: 'Ticket called',
  goTo: 'Please go to',
  goToNamed: 'Please go to',
  spokenCall: (ticket: string, where: string) => `Ticket ${ticket}, ${where}`,
  asleep: 'Screen asleep',
  wakes: (when: string) => `back on ${when}`,
};

/** Where a call sends people: the layout's name for the counter (`counterNames`), else "guichet 3". */
export function counterLabel(t: Strings, counter: string, names: Readonly<Record<string, string>> | undefined): string {
  return nameOf(counter, names) ?? t.counter(counter);
}

export type Lang = 'fr' | 'en';
export function strings(lang: Lang = 'fr'): Strings {
  return lang === 'en' ? en : fr;
}
export function locale(lang: Lang = 'fr'): string {
  return lang === 'en' ? 'en-GB' : 'fr-FR';
}
/** The player's language for a BCP 47 tag (`en-GB` → en; anything else French). */
export function langOfTag(tag: string): Lang {
  return tag.toLowerCase().startsWith('en') ? 'en' : 'fr';
}
