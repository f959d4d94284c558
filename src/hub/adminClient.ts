import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { z } from 'zod';
import { ApiError } from '../shared/adminApi.js';
import { parseWith } from '../shared/validationError.js';

/** The admin API seen from the CLI: every answer parsed with its schema, every error with the hub's own words. */
export class AdminClient {
  constructor(
    readonly hubUrl: string,
    private readonly token: string,
  ) {}

  private async send(method: string, path: string, init: { body?: string | ReadableStream<Uint8Array>; type?: string; length?: number }): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (init.type) headers['content-type'] = init.type;
    if (init.length !== undefined) headers['content-length'] = String(init.length);
    let response: Response;
    try {
      response = await fetch(new URL(path, this.hubUrl), { method, headers, body: init.body ?? null, ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}) });
    } catch (error) {
      throw new Error(`cannot reach the hub at ${this.hubUrl} (${(error as Error).cause ?? (error as Error).message}); is it running? (--hub or ANTICHAMBRE_HUB_URL)`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        message = ApiError.parse(JSON.parse(text)).error;
      } catch {
        /* not the hub's JSON error: keep the text */
      }
      throw new Error(`${method} ${path}: HTTP ${response.status}: ${message}`);
    }
    return response;
  }

  async json<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const response = await this.send(method, path, body === undefined ? {} : { body: JSON.stringify(body), type: 'application/json' });
    const parsed = parseWith(schema, await response.json());
    if (!parsed.ok) throw new Error(`${method} ${path}: the hub answered something unexpected: ${parsed.error}`);
    return parsed.value;
  }

  async text(path: string): Promise<string> {
    return (await this.send('GET', path, {})).text();
  }

  async upload(sha256: string, type: string, file: string): Promise<void> {
    const { size } = await stat(file);
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    await this.send('PUT', `/api/media/${sha256}`, { body, type, length: size });
  }
}
