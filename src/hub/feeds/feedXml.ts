import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Fetching and reading a feed's XML, defensively: the document comes from a server on the
 * internet the town does not control. Bounded in bytes (announced and streamed) and in time;
 * a document declaring entities (`<!ENTITY`, or a DOCTYPE with an internal subset) is refused
 * before parsing, which rules out entity expansion ("billion laughs") and external entities
 * (fast-xml-parser never fetches them anyway); the parser's own entity limits stay as a second
 * line. No DTD, no namespaces resolved: prefixes are dropped (`cap:alert` is `alert`).
 */

export class FeedError extends Error {}

export const MAX_FEED_BYTES = 2_000_000;
export const MAX_CAP_BYTES = 256_000;
export const FETCH_TIMEOUT_MS = 15_000;

export async function fetchBounded(url: string, options: { maxBytes: number; timeoutMs?: number; signal?: AbortSignal }): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/atom+xml, application/rss+xml, application/cap+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1', 'user-agent': 'Antichambre-hub (feeds)' }, redirect: 'follow' });
  } catch (error) {
    throw new FeedError(`${url}: ${timeout.aborted ? `no answer within ${(options.timeoutMs ?? FETCH_TIMEOUT_MS) / 1000} s` : error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new FeedError(`${url}: HTTP ${response.status}`);
  }
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (announced > options.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new FeedError(`${url}: ${announced} bytes, more than the ${options.maxBytes} accepted`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > options.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new FeedError(`${url}: more than the ${options.maxBytes} bytes accepted`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FeedError) throw error;
    throw new FeedError(`${url}: ${timeout.aborted ? 'cut off by the time limit' : error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return decodeXml(Buffer.concat(chunks), response.headers.get('content-type'));
  } catch (error) {
    throw new FeedError(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The document's text in its own encoding: a byte-order mark, else the XML declaration's
 * `encoding` (older French sites still publish ISO-8859-1 or windows-1252), else the HTTP
 * charset, else UTF-8 (XML's default). An unknown encoding name is an error naming it.
 */
export function decodeXml(bytes: Uint8Array, contentType: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  const prolog = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const label = /^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog)?.[1] ?? /charset=["']?([A-Za-z0-9._-]+)/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  let decoder: { decode(input: Uint8Array): string };
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new FeedError(`unknown character encoding "${label}"`);
  }
  return decoder.decode(bytes);
}

/** Elements that may repeat, always read as arrays (a feed of one entry is still a list). */
const LISTS = ['item', 'entry', 'info', 'area', 'areaDesc', 'link', 'category', 'alert'];

/** The parser's options (its `isArray` is built from LISTS in the worker: a function cannot cross to it). */
const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  // Only XML's five entities and character references can remain (declarations are refused before
  // parsing), each at least 4 bytes for one character: a document's size bounds them. A lower count
  // would refuse a large, honest feed of escaped HTML (`&lt;b&gt;` in every title).
  processEntities: { enabled: true, maxEntityCount: 0, maxTotalExpansions: MAX_FEED_BYTES, maxExpandedLength: MAX_FEED_BYTES },
  htmlEntities: false,
} as const;

export type XmlNode = Record<string, unknown>;

function refuseDeclarations(text: string, what: string): void {
  if (/<!ENTITY/i.test(text) || /<!DOCTYPE[^>]*\[/i.test(text)) throw new FeedError(`${what}: declares XML entities (refused: entity expansion)`);
}

function notWellFormed(what: string, message: string): FeedError {
  return new FeedError(`${what}: not well-formed XML (${message.split('\n')[0] ?? ''})`);
}

/**
 * Parsing a feed of a megabyte or two takes from a tenth of a second to over a second on a busy
 * two-core server: done on the event loop, it would hold up every screen's acks meanwhile. This
 * reader parses in a worker thread (one, started on first use, stopped by `close()`); only the
 * parsed tree's copy back (a few milliseconds) runs on the event loop. The parser (fast-xml-parser)
 * is loaded there only: a hub with no feed never loads it.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { XMLParser } = require(workerData.module);
const lists = new Set(workerData.lists);
const parser = new XMLParser({ ...workerData.options, isArray: (name) => lists.has(name) });
parentPort.on('message', ({ id, text }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: parser.parse(text, true) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

export class XmlReader {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (node: XmlNode) => void; reject: (error: Error) => void; what: string }>();
  private next = 0;
  private closed = false;

  async read(text: string, what: string): Promise<XmlNode> {
    if (this.closed) throw new FeedError(`${what}: the hub is stopping`);
    refuseDeclarations(text, what);
    const worker = this.start();
    const id = this.next++;
    return new Promise<XmlNode>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, what });
      worker.postMessage({ id, text });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const module = createRequire(import.meta.url).resolve('fast-xml-parser');
    const worker = new Worker(WORKER, { eval: true, workerData: { module, lists: LISTS, options: PARSER_OPTIONS } });
    worker.unref();
    worker.on('message', (answer: { id: number; ok: true; value: XmlNode } | { id: number; ok: false; error: string }) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(notWellFormed(waiting.what, answer.error));
    });
    // A worker that dies (out of memory on a hostile document) fails what it held; the next read starts another.
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(new FeedError(`${waiting.what}: the XML reader stopped (${error.message})`));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit ${code}`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

/** An element's text, whether it came as a string or as `{ '#text': … }` beside attributes. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return textOf((node as XmlNode)['#text']);
  return undefined;
}

export function listOf(node: unknown): unknown[] {
  if (node === undefined || node === null || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

export function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' ? (node as XmlNode)[name] : undefined;
}
