import { z } from 'zod';
import { Id, toUtcTime, UtcTime } from './ids.js';
import { HEALTH_CONDITIONS, type HealthCondition, type SiteDigest } from './screenHealth.js';

/**
 * The hub's notifications file (`antichambre-hub serve --notify notify.json`, or
 * ANTICHAMBRE_NOTIFY_CONFIG): who is told what, about which sites. Every key is checked (a
 * misspelt one is an error naming it, not a silently ignored setting); the durations have the
 * defaults below. The file holds secrets (webhook keys, the SMTP password): readable by the
 * hub's user only (chmod 600); or it names environment variables that hold them (`secretEnv`,
 * `passwordEnv`, replaced by their values before this schema checks the file: healthNotifier.ts).
 */

/** Sites a channel is about; absent: every site. */
const Sites = z.array(Id).min(1, { error: 'expected at least one site (leave "sites" out for every site)' }).optional();

export const WebhookTarget = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
    /** The HMAC-SHA256 key the receiver checks `X-Antichambre-Signature` with. */
    secret: z.string({ error: 'expected the shared secret of the webhook' }).min(16, { error: 'expected a secret of at least 16 characters (make one with: openssl rand -hex 32)' }),
    sites: Sites,
  })
  .strict();
export type WebhookTarget = z.infer<typeof WebhookTarget>;

export const SmtpSettings = z
  .object({
    host: z.string().min(1, { error: 'expected the SMTP server name' }),
    port: z.number().int().min(1).max(65535).default(587),
    /** `starttls` (port 587, the default: refused if the server cannot encrypt), `tls` (port 465), `none` (a relay on the hub's own network only). */
    security: z.enum(['starttls', 'tls', 'none'], { error: 'expected starttls, tls or none' }).default('starttls'),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** A PEM file of the CA that signed the SMTP server's certificate, when it is an internal one (otherwise the system's CAs). */
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((smtp) => (smtp.user === undefined) === (smtp.password === undefined), { error: 'expected both user and password, or neither' });
export type SmtpSettings = z.infer<typeof SmtpSettings>;

export const EmailSettings = z
  .object({
    smtp: SmtpSettings,
    /** `Antichambre <antichambre@ville.example>` */
    from: z.string().min(3, { error: 'expected the sender address' }),
    recipients: z
      .array(z.object({ to: z.array(z.email({ error: 'expected an e-mail address' })).min(1, { error: 'expected at least one address' }), sites: Sites }).strict())
      .min(1, { error: 'expected at least one group of recipients' }),
  })
  .strict();
export type EmailSettings = z.infer<typeof EmailSettings>;

export const NotifyConfig = z
  .object({
    /** The hub's name in messages (several hubs may write to the same people). */
    hubName: z.string().min(1).max(120).default('Antichambre'),
    /** A screen not connected for longer than this is offline. */
    offlineAfterMinutes: z.number().positive().max(7 * 24 * 60).default(10),
    /** The changes of a site within this window go in one message. */
    groupWithinSeconds: z.number().int().min(0).max(3600).default(60),
    /** How often the screens are looked at. */
    checkEverySeconds: z.number().int().min(1).max(600).default(15),
    crashLoop: z
      .object({ crashes: z.number().int().min(1).max(20).default(3), withinMinutes: z.number().positive().max(24 * 60).default(15) })
      .strict()
      .default({ crashes: 3, withinMinutes: 15 }),
    webhooks: z.array(WebhookTarget).default([]),
    email: EmailSettings.optional(),
  })
  .strict()
  .refine((config) => config.webhooks.length > 0 || config.email !== undefined, { error: 'expected at least one webhook or an email section (or no notifications file at all)' });
export type NotifyConfig = z.infer<typeof NotifyConfig>;

/** Whether a channel limited to `sites` is about `site`. */
export function coversSite(sites: string[] | undefined, site: string): boolean {
  return sites === undefined || sites.includes(site);
}

/** The body of a webhook call (JSON), signed: `X-Antichambre-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`. */
export const WebhookMessage = z.object({
  type: z.literal('antichambre.screens.health'),
  hub: z.string(),
  site: Id,
  sentAt: UtcTime,
  /** Set by `antichambre-hub notify test`: nothing happened, the channel is being checked. */
  test: z.boolean().optional(),
  changes: z.array(
    z.object({
      screen: Id,
      name: z.string(),
      condition: z.enum(HEALTH_CONDITIONS),
      state: z.enum(['problem', 'resolved']),
      at: UtcTime,
      detail: z.string(),
    }),
  ),
});
export type WebhookMessage = z.infer<typeof WebhookMessage>;

export const SIGNATURE_HEADER = 'x-antichambre-signature';

export function webhookMessage(digest: SiteDigest, hub: string, now: number, test = false): WebhookMessage {
  return {
    type: 'antichambre.screens.health',
    hub,
    site: digest.site,
    sentAt: toUtcTime(now),
    ...(test ? { test: true } : {}),
    changes: digest.changes.map((change) => ({ ...change, at: toUtcTime(change.at) })),
  };
}

const CONDITION_TEXT: Record<HealthCondition, { fr: [string, string]; en: [string, string] }> = {
  offline: { fr: ['hors ligne', 'de nouveau en ligne'], en: ['offline', 'back online'] },
  refused: { fr: ['a refusé sa programmation', 'a accepté sa programmation'], en: ['refused its set', 'accepted its set'] },
  cache: { fr: ['fichiers manquants', 'tous ses fichiers sont là'], en: ['files missing', 'all its files are there'] },
  crashLoop: { fr: ['plante en boucle', 'ne plante plus'], en: ['crashing in a loop', 'no longer crashing'] },
};

/** The e-mail of a digest: French first, then English; a subject that says how many problems and recoveries. */
export function digestEmail(message: WebhookMessage): { subject: string; text: string } {
  const problems = message.changes.filter((change) => change.state === 'problem').length;
  const resolved = message.changes.length - problems;
  const counts = [problems > 0 ? `${problems} problème${problems > 1 ? 's' : ''}` : '', resolved > 0 ? `${resolved} retour${resolved > 1 ? 's' : ''} à la normale` : ''].filter(Boolean).join(', ');
  const subject = `[${message.hub}] ${message.test ? 'Essai / Test — ' : ''}site ${message.site} : ${counts}`;
  const line = (lang: 'fr' | 'en') => (change: WebhookMessage['changes'][number]) => {
    const [problem, ok] = CONDITION_TEXT[change.condition][lang];
    const mark = change.state === 'problem' ? '⚠' : '✓';
    return `${mark} ${change.name} (${change.screen})${lang === 'fr' ? ' : ' : ': '}${change.state === 'problem' ? problem : ok} — ${change.detail} [${change.at}]`;
  };
  const text = [
    ...(message.test ? ['Message d\'essai : rien ne s\'est produit, ce canal est vérifié.', ''] : []),
    `Site ${message.site}, ${message.changes.length} changement(s) :`,
    ...message.changes.map(line('fr')),
    '',
    '--- English ---',
    ...(message.test ? ['Test message: nothing happened, this channel is being checked.', ''] : []),
    `Site ${message.site}, ${message.changes.length} change(s):`,
    ...message.changes.map(line('en')),
    '',
    `${message.hub}, ${message.sentAt}`,
  ].join('\n');
  return { subject, text };
}
