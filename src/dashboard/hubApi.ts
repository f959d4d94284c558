import type { z } from 'zod';
import { ApiError, MediaStored } from '../shared/adminApi.js';
import { formatIssues } from '../shared/validationError.js';

/**
 * The hub's admin API from the dashboard (same origin): every call with the admin token as
 * `Authorization: Bearer`, every answer parsed with the shared schema before use.
 */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class HubApi {
  constructor(private readonly token: string) {}

  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.call('GET', path, undefined, schema);
  }

  send<S extends z.ZodType>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, schema: S): Promise<z.output<S>> {
    return this.call(method, path, body === undefined ? undefined : { body: JSON.stringify(body), type: 'application/json' }, schema);
  }

  /** Stores a media file at the hub, which computes its sha256. */
  upload(file: Blob): Promise<MediaStored> {
    return this.call('POST', '/api/media', { body: file, type: file.type || 'application/octet-stream' }, MediaStored);
  }

  /** A non-JSON answer (CSV, PNG), or null on 404. */
  async blob(path: string): Promise<Blob | null> {
    const response = await this.fetch('GET', path);
    if (response.status === 404) return null;
    if (!response.ok) throw await failure(response);
    return response.blob();
  }

  private async call<S extends z.ZodType>(method: string, path: string, body: { body: BodyInit; type: string } | undefined, schema: S): Promise<z.output<S>> {
    const response = await this.fetch(method, path, body);
    if (!response.ok) throw await failure(response);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new ApiFailure(502, `${path}: unexpected answer (${formatIssues(parsed.error)})`);
    return parsed.data;
  }

  private async fetch(method: string, path: string, body?: { body: BodyInit; type: string }): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body) headers['content-type'] = body.type;
    try {
      return await fetch(path, { method, headers, ...(body ? { body: body.body } : {}) });
    } catch (error) {
      throw new ApiFailure(0, `hub unreachable (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

async function failure(response: Response): Promise<ApiFailure> {
  const text = await response.text();
  let message = `HTTP ${response.status}`;
  try {
    const parsed = ApiError.safeParse(JSON.parse(text));
    if (parsed.success) message = parsed.data.error;
  } catch {
    // not JSON: keep the status
  }
  return new ApiFailure(response.status, message);
}

/** The admin token, kept for this tab only (sessionStorage). */
const TOKEN_KEY = 'antichambre.adminToken';
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  save: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  forget: (): void => sessionStorage.removeItem(TOKEN_KEY),
};
