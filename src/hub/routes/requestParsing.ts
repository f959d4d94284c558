import { z } from 'zod';
import { Id, Sha256 } from '../../shared/ids.js';
import { HubError } from '../hubError.js';
import { parseStorable } from '../storableText.js';

/** What every route parses its URL, query and body with: a bad input (text that cannot be stored included) is a 400 naming where and what. */

export function parsed<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = parseStorable(schema, input);
  if (!result.ok) throw new HubError(400, where ? `${where}: ${result.error}` : result.error);
  return result.value;
}

export const IdParam = z.object({ id: Id });
export const ShaParam = z.object({ sha256: Sha256 });

