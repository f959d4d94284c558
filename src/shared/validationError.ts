import type { z } from 'zod';

/** `['items', 2, 'sha256']` -> `items[2].sha256` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem: `items[2].sha256: expected 64 hex characters`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parse `input` with `schema`, answering a readable error instead of throwing. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: formatIssues(result.error) };
}
