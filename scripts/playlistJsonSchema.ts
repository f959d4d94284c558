import { z } from 'zod';
import { Playlist } from '../src/shared/playlist.js';

/** The JSON Schema of a playlist file, generated from the zod schema, as committed. */
export function playlistJsonSchemaText(): string {
  const schema = z.toJSONSchema(Playlist, { io: 'input', unrepresentable: 'any' });
  const withTitle = { ...schema, title: 'Antichambre playlist (protocol v1, §1)', description: 'Generated from src/shared/playlist.ts by npm run schema. Do not edit.' };
  return `${JSON.stringify(withTitle, null, 2)}\n`;
}
