import { Parser } from 'htmlparser2';
import type { NewsEntry } from '../../shared/feeds.js';
import { toUtcTime } from '../../shared/ids.js';
import { child, FeedError, listOf, textOf, type XmlNode } from './feedXml.js';

/**
 * News feeds as towns' websites publish them: RSS 2.0 (`rss/channel/item`), RSS 1.0
 * (`RDF/item`) and Atom 1.0 (`feed/entry`). Titles often carry HTML (escaped in the XML, or Atom
 * `type="html"`): read with htmlparser2, a maintained HTML parser, keeping the text only (never
 * what a script or style element holds) with its entities decoded.
 */

/** Plain text from an HTML fragment: tags dropped, entities decoded, spaces collapsed. */
export function plainText(html: string): string {
  let out = '';
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style') hidden++;
        else out += ' ';
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style') hidden = Math.max(0, hidden - 1);
        else out += ' ';
      },
      ontext(text) {
        if (hidden === 0) out += text;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
}

function date(value: unknown): string | null {
  const text = textOf(value)?.trim();
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? toUtcTime(ms) : null;
}

function atomLink(entry: unknown): string | undefined {
  const links = listOf(child(entry, 'link'));
  const alternate = links.find((l) => (textOf(child(l, '@rel')) ?? 'alternate') === 'alternate') ?? links[0];
  return textOf(child(alternate, '@href')) ?? textOf(alternate);
}

export function readNewsFeed(doc: XmlNode, url: string): NewsEntry[] {
  const feed = doc['feed'];
  if (feed !== undefined) {
    return listOf(child(feed, 'entry')).flatMap((entry) => {
      const title = plainText(textOf(child(entry, 'title')) ?? '');
      const key = textOf(child(entry, 'id')) ?? atomLink(entry) ?? title;
      return title ? [{ key, title, published: date(child(entry, 'published')) ?? date(child(entry, 'updated')) }] : [];
    });
  }
  const items = doc['rss'] !== undefined ? listOf(child(child(doc['rss'], 'channel'), 'item')) : doc['RDF'] !== undefined ? listOf(child(doc['RDF'], 'item')) : null;
  if (items === null) throw new FeedError(`${url}: neither an RSS nor an Atom feed`);
  return items.flatMap((item) => {
    const title = plainText(textOf(child(item, 'title')) ?? '');
    const link = textOf(listOf(child(item, 'link'))[0]);
    const key = textOf(child(item, 'guid')) ?? link ?? title;
    return title ? [{ key, title, published: date(child(item, 'pubDate')) ?? date(child(item, 'date')) }] : [];
  });
}
