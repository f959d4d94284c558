import { CapMessage, type CapReference } from '../../shared/feeds.js';
import { toUtcTime } from '../../shared/ids.js';
import { formatIssues } from '../../shared/validationError.js';
import { child, FeedError, listOf, textOf, type XmlNode } from './feedXml.js';

/**
 * CAP 1.2 documents as alert feeds carry them: one `<alert>` document; an Atom feed whose
 * entries embed an `<alert>` in their content or link to one (`application/cap+xml`, or any
 * link of an entry without an embedded one); an RSS 2.0 feed whose items do the same (link or
 * enclosure). Answers the embedded messages and the links to fetch.
 */

export interface CapFeedReading {
  messages: CapMessage[];
  /** Entries that link to their CAP message: fetched by the poller (once each). */
  links: { key: string; url: string }[];
  /** Entries or messages that could not be read, with why (the others are used). */
  problems: string[];
}

/** CAP times are `2026-12-02T14:39:01-05:00` (with an offset): on the wire they become UTC. */
function utc(value: unknown): string | undefined {
  const text = textOf(value)?.trim();
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? toUtcTime(ms) : text;
}

/** `references`: space-separated `sender,identifier,sent` triples (CAP 1.2 §3.2.1). */
function references(value: unknown): CapReference[] {
  const text = textOf(value)?.trim();
  if (!text) return [];
  return text.split(/\s+/).flatMap((triple) => {
    const [sender, identifier, sent] = triple.split(',');
    return sender && identifier ? [{ sender, identifier, sent: sent ?? '' }] : [];
  });
}

/** One `<alert>` element as a CapMessage, validated. */
export function capMessageOf(alert: unknown, where: string): CapMessage {
  const infos = listOf(child(alert, 'info')).map((info) => ({
    language: textOf(child(info, 'language')) || undefined,
    event: textOf(child(info, 'event')) ?? '',
    urgency: textOf(child(info, 'urgency')),
    severity: textOf(child(info, 'severity')),
    headline: textOf(child(info, 'headline')) || undefined,
    description: textOf(child(info, 'description')) || undefined,
    instruction: textOf(child(info, 'instruction')) || undefined,
    effective: utc(child(info, 'effective')),
    expires: utc(child(info, 'expires')),
    areas: listOf(child(info, 'area')).flatMap((area) => listOf(child(area, 'areaDesc')).map(textOf).filter((d): d is string => !!d)),
  }));
  const raw = {
    identifier: textOf(child(alert, 'identifier')),
    sender: textOf(child(alert, 'sender')),
    sent: utc(child(alert, 'sent')),
    status: textOf(child(alert, 'status')),
    msgType: textOf(child(alert, 'msgType')),
    scope: textOf(child(alert, 'scope')),
    references: references(child(alert, 'references')),
    infos,
  };
  const parsed = CapMessage.safeParse(raw);
  if (!parsed.success) throw new FeedError(`${where}: not a CAP 1.2 message: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

function linksOf(entry: unknown): { href: string; type: string; rel: string }[] {
  const links = listOf(child(entry, 'link')).map((link) => ({
    href: (typeof link === 'object' && link ? textOf((link as XmlNode)['@href']) : undefined) ?? textOf(link) ?? '',
    type: (typeof link === 'object' && link ? textOf((link as XmlNode)['@type']) : undefined) ?? '',
    rel: (typeof link === 'object' && link ? textOf((link as XmlNode)['@rel']) : undefined) ?? 'alternate',
  }));
  const enclosures = listOf(child(entry, 'enclosure')).map((e) => ({ href: textOf(child(e, '@url')) ?? '', type: textOf(child(e, '@type')) ?? '', rel: 'enclosure' }));
  return [...links, ...enclosures].filter((link) => /^https?:\/\//i.test(link.href));
}

/** The CAP link of an entry: one typed application/cap+xml, else the first alternate or enclosure. */
function capLink(entry: unknown): string | undefined {
  const links = linksOf(entry);
  return (links.find((l) => /cap\+xml/i.test(l.type)) ?? links.find((l) => l.rel === 'alternate' || l.rel === 'enclosure'))?.href;
}

export function readCapFeed(doc: XmlNode, url: string): CapFeedReading {
  const out: CapFeedReading = { messages: [], links: [], problems: [] };
  const take = (alert: unknown, where: string): void => {
    try {
      out.messages.push(capMessageOf(alert, where));
    } catch (error) {
      out.problems.push(error instanceof Error ? error.message : String(error));
    }
  };
  if (doc['alert'] !== undefined) {
    listOf(doc['alert']).forEach((alert, i) => take(alert, `${url} alert[${i}]`));
    return out;
  }
  const feed = doc['feed'];
  const channel = child(doc['rss'], 'channel');
  const entries = feed !== undefined ? listOf(child(feed, 'entry')) : channel !== undefined ? listOf(child(channel, 'item')) : null;
  if (entries === null) throw new FeedError(`${url}: neither a CAP alert, an Atom feed nor an RSS 2.0 feed`);
  entries.forEach((entry, i) => {
    const where = `${url} ${feed !== undefined ? 'entry' : 'item'}[${i}]`;
    const embedded = listOf(child(entry, 'alert')).concat(listOf(child(child(entry, 'content'), 'alert')));
    if (embedded.length > 0) {
      embedded.forEach((alert) => take(alert, where));
      return;
    }
    const link = capLink(entry);
    const key = textOf(child(entry, 'id')) ?? textOf(child(entry, 'guid')) ?? link;
    const updated = textOf(child(entry, 'updated')) ?? textOf(child(entry, 'pubDate')) ?? '';
    if (link && key) out.links.push({ key: `${key} ${updated}`, url: link });
    else out.problems.push(`${where}: neither an embedded CAP alert nor a link to one`);
  });
  return out;
}

/** A linked CAP document: its one message. */
export function readCapDocument(doc: XmlNode, url: string): CapMessage {
  const alerts = listOf(doc['alert']);
  if (alerts.length !== 1) throw new FeedError(`${url}: expected one CAP <alert> document`);
  return capMessageOf(alerts[0], url);
}
