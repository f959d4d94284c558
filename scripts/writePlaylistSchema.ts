/** Writes playlists/playlist.schema.json from the zod schema (npm run schema). A test fails when it is stale. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { playlistJsonSchemaText } from './playlistJsonSchema.js';

const target = join(resolve(import.meta.dirname, '..'), 'playlists/playlist.schema.json');
writeFileSync(target, playlistJsonSchemaText());
console.log(`wrote ${target}`);
