import type { z } from 'zod';
import { formatPath, parseWith, type Parsed } from '../shared/validationError.js';

/**
 * Text the hub takes in must not hold U+0000. PostgreSQL refuses it in every text column
 * ("invalid byte sequence for encoding UTF8: 0x00"), where SQLite stores it: the same batch was a
 * 500 (HTTP) or an ack without a path (socket.io) on one engine and stored on the other, and a
 * player, told no path, sent its whole outbox's head again and again (it sets aside only the
 * impression an error names, §3). Refused at the door instead, on both engines, by path.
 */

const NUL = '\u0000';

/** Whether any string (or object key) in `value` holds U+0000. On every impressions batch: no path is built unless one does. */
function holdsNul(value: unknown): boolean {
  // Iterative: a value of the schema's `unknown` fields may nest deeper than a stack of calls goes.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (current.includes(NUL)) return true;
    } else if (Array.isArray(current)) {
      for (const inner of current) pending.push(inner);
    } else if (typeof current === 'object' && current !== null) {
      for (const key in current) {
        if (key.includes(NUL)) return true;
        pending.push((current as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** Where the first string (or object key) holding U+0000 lies in `value` (a parsed, JSON-shaped value), in document order; null when none does. */
export function nulCharacterPath(value: unknown): PropertyKey[] | null {
  if (!holdsNul(value)) return null;
  // Iterative, depth first, in document order.
  const pending: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes(NUL)) return path;
    } else if (Array.isArray(current)) {
      for (let k = current.length - 1; k >= 0; k--) pending.push({ value: current[k], path: [...path, k] });
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (const [key] of entries) if (key.includes(NUL)) return [...path, key];
      for (let k = entries.length - 1; k >= 0; k--) pending.push({ value: entries[k]![1], path: [...path, entries[k]![0]] });
    }
  }
  return null;
}

/** `input` parsed with `schema`, then refused by path if any of its text holds U+0000 (see above). */
export function parseStorable<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = parseWith(schema, input);
  if (!result.ok) return result;
  const at = nulCharacterPath(result.value);
  return at === null ? result : { ok: false, error: `${formatPath(at)}: ${NUL_REFUSAL}` };
}

export const NUL_REFUSAL = 'a NUL character (U+0000) cannot be stored';
