/** The player's own words, French first. */
const fr = {
  welcome: 'Bienvenue',
  screen: 'Écran',
  configError: 'Configuration invalide',
  configErrorHelp: 'Le lecteur continue avec les autres réglages. Corrigez le fichier et le réglage indiqués, puis redémarrez.',
  loading: 'Préparation des contenus…',
  urgent: 'Information importante',
  info: 'Information',
  identify: 'Identification de l’écran',
};
export type Strings = typeof fr;
const en: Strings = {
  welcome: 'Welcome',
  screen: 'Screen',
  configError: 'Invalid configuration',
  configErrorHelp: 'The player goes on with the other settings. Fix the file and setting named here, then restart.',
  loading: 'Preparing content…',
  urgent: 'Important notice',
  info: 'Notice',
  identify: 'Screen identification',
};

export type Lang = 'fr' | 'en';
export function strings(lang: Lang = 'fr'): Strings {
  return lang === 'en' ? en : fr;
}
export function locale(lang: Lang = 'fr'): string {
  return lang === 'en' ? 'en-GB' : 'fr-FR';
}
