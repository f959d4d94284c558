/** The bundled slides, as HTML rendered to 1920x1080 PNG by headless Chromium (scripts/makeMedia.ts). */

export interface Slide {
  file: string;
  kicker: string;
  title: string;
  lines: string[];
  accent: string;
  footer?: string;
}

export const slides: Slide[] = [
  {
    file: 'mairie-horaires.png',
    kicker: 'Mairie · Accueil',
    title: 'Horaires d’ouverture',
    lines: ['Lundi au vendredi : 8 h 30 – 12 h 00 et 13 h 30 – 17 h 00', 'Samedi : 9 h 00 – 12 h 00 (état civil uniquement)', 'Fermé le dimanche et les jours fériés'],
    accent: '#ffd23f',
  },
  {
    file: 'mairie-cni-passeport.png',
    kicker: 'Carte d’identité · Passeport',
    title: 'Pensez à apporter',
    lines: ['Votre numéro de pré-demande en ligne (ANTS)', 'Une photo d’identité de moins de 6 mois', 'Un justificatif de domicile récent', 'L’ancien titre, ou une déclaration de perte'],
    accent: '#7ee0a1',
    footer: 'Sur rendez-vous uniquement',
  },
  {
    file: 'mairie-en-ligne.png',
    kicker: 'Gagnez du temps',
    title: 'Ces démarches se font en ligne',
    lines: ['Actes de naissance, mariage, décès', 'Inscription sur les listes électorales', 'Pré-demande de carte d’identité et passeport', 'Signalement d’un changement d’adresse'],
    accent: '#8ecbff',
    footer: 'service-public.fr — aide possible à l’accueil',
  },
  {
    file: 'mairie-ticket.png',
    kicker: 'File d’attente',
    title: 'Prenez un ticket à la borne',
    lines: ['Votre numéro s’affiche à l’écran quand un guichet se libère', 'Gardez votre ticket jusqu’à votre passage', 'Priorité aux personnes à mobilité réduite et aux femmes enceintes'],
    accent: '#ffd23f',
  },
  {
    file: 'mairie-fetes.png',
    kicker: 'Fêtes de fin d’année',
    title: 'Horaires du 21 décembre au 3 janvier',
    lines: ['Ouvert de 9 h 00 à 12 h 00 en semaine', 'Fermé les 24, 25, 31 décembre et le 1er janvier', 'Urgences d’état civil (décès) : 06 00 00 00 00'],
    accent: '#ff8f8f',
    footer: 'Bonnes fêtes à toutes et à tous',
  },
  {
    file: 'clinique-vaccination.png',
    kicker: 'Campagne 2026 – 2027',
    title: 'Vaccination contre la grippe',
    lines: ['Sans rendez-vous, du lundi au vendredi de 9 h à 12 h', 'Recommandée dès 65 ans et pour les personnes à risque', 'Apportez votre carte Vitale et votre bon de prise en charge'],
    accent: '#7ee0a1',
  },
  {
    file: 'clinique-silence.png',
    kicker: 'Salle d’attente',
    title: 'Merci de respecter le calme',
    lines: ['Mettez votre téléphone en mode silencieux', 'Parlez à voix basse', 'Les patients sont appelés par leur nom'],
    accent: '#8ecbff',
  },
  {
    file: 'clinique-urgences.png',
    kicker: 'En cas d’urgence',
    title: 'Les numéros à connaître',
    lines: ['15 — SAMU, urgence médicale', '112 — numéro d’urgence européen', '114 — par SMS, pour les personnes sourdes ou malentendantes', '18 — pompiers · 17 — police'],
    accent: '#ff8f8f',
  },
];

/**
 * French typography's non-breaking spaces, so that a line never breaks inside a time or a number
 * ("17 h" / "00" was seen on the opening hours' slide): "8 h 30", "9 h", a range of hours
 * ("13 h 30 – 17 h 00"), a phone number's pairs, and before : ; ! ?
 */
export function frenchSpacing(text: string): string {
  return text
    .replace(/(\d) h(?=[ ,.)]|$)/g, '$1\u00a0h')
    .replace(/(\d\u00a0h) (\d{2})\b/g, '$1\u00a0$2')
    .replace(/\b(\d{2}) (?=\d{2}\b)/g, '$1\u00a0')
    // After a dash a line may break even before a no-break space (Unicode's rule LB12a): a word joiner holds it.
    .replace(/(\d|\bh) – (?=\d)/g, '$1\u00a0–\u2060\u00a0')
    .replace(/ ([:;!?])/g, '\u00a0$1');
}

export function slideHtml(slide: Slide, fontDir: string): string {
  const esc = (s: string) => frenchSpacing(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
@font-face { font-family: AH; font-weight: 400; src: url('file://${fontDir}/atkinson-hyperlegible-latin-400-normal.woff2'); }
@font-face { font-family: AH; font-weight: 700; src: url('file://${fontDir}/atkinson-hyperlegible-latin-700-normal.woff2'); }
html,body { margin:0; width:1920px; height:1080px; background:#0b1f3a; color:#fff; font-family: AH, sans-serif; }
.wrap { position:absolute; inset:0; padding:90px 120px; display:flex; flex-direction:column; border-left:36px solid ${slide.accent}; }
.kicker { font-size:68px; font-weight:700; color:${slide.accent}; text-transform:uppercase; letter-spacing:.06em; }
h1 { font-size:100px; line-height:1.08; margin:18px 0 44px; font-weight:700; }
ul { list-style:none; margin:0; padding:0; }
li { font-size:68px; line-height:1.2; margin:0 0 24px; padding-left:64px; position:relative; }
li::before { content:''; position:absolute; left:0; top:27px; width:30px; height:30px; border-radius:50%; background:${slide.accent}; }
.footer { margin-top:auto; font-size:68px; color:#c9d6ea; }
</style></head><body><div class="wrap">
<div class="kicker">${esc(slide.kicker)}</div>
<h1>${esc(slide.title)}</h1>
<ul>${slide.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
${slide.footer ? `<div class="footer">${esc(slide.footer)}</div>` : ''}
</div></body></html>`;
}
