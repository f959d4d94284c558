import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import mime from 'mime';
import { MediaMissing } from '../shared/adminApi.js';
import { checkZonesOfSet, Layout } from '../shared/layout.js';
import { filesOf, isRemoteSrc, mapSources, Playlist } from '../shared/playlist.js';
import { formatIssues, formatPath } from '../shared/validationError.js';
import type { AdminClient } from './adminClient.js';

/**
 * From playlist files on an admin's laptop to playlists the hub can push: each file checked
 * against the schema, each local media file against its sha256, the ones the hub lacks
 * uploaded, and `src` rewritten to the hub's content-addressed URL.
 */

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readPlaylistFile(path: string): Promise<Playlist> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(error as Error).message})`}`);
  }
  const parsed = Playlist.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** A layout file (protocol §6), checked against the schema with the path of each problem. */
export async function readLayoutFile(path: string): Promise<Layout> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(error as Error).message})`}`);
  }
  const parsed = Layout.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** Each playlist's `zone` against the layout pushed with it, named by the playlist's file. */
function checkZones(read: { path: string; playlist: Playlist }[], layout: Layout, layoutPath: string): void {
  const errors: string[] = [];
  const fits = Playlist.array().superRefine((playlists, ctx) => checkZonesOfSet(playlists, layout, ctx, [])).safeParse(read.map((r) => r.playlist));
  if (fits.success) return;
  for (const issue of fits.error.issues) {
    const [index, ...rest] = issue.path;
    errors.push(`${read[index as number]!.path}: ${formatPath(rest)}: ${issue.message} (in ${layoutPath})`);
  }
  throw new Error(errors.join('\n'));
}

interface LocalFile {
  path: string;
  sha256: string;
}

/** Local files the playlist names, each checked to exist and to have its declared digest. */
async function localFiles(path: string, playlist: Playlist): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  const errors: string[] = [];
  for (const [i, item] of playlist.items.entries()) {
    for (const file of filesOf(item)) {
      if (isRemoteSrc(file.src)) continue;
      const local = resolve(dirname(path), file.src);
      try {
        await stat(local);
      } catch {
        errors.push(`${path}: items[${i}]: ${file.src} not found (looked for ${local})`);
        continue;
      }
      const actual = await sha256OfFile(local);
      if (actual !== file.sha256.toLowerCase()) errors.push(`${path}: items[${i}]: ${file.src} has sha256 ${actual}, the playlist says ${file.sha256}`);
      else files.push({ path: local, sha256: actual });
    }
  }
  if (errors.length) throw new Error(errors.join('\n'));
  return files;
}

export interface PreparedPush {
  playlists: Playlist[];
  uploaded: string[];
  alreadyThere: number;
}

/**
 * Reads and checks every file (and the playlists' zones against the layout pushed with them),
 * uploads the media the hub lacks, and answers the playlists to push.
 */
export async function preparePush(
  paths: string[],
  client: AdminClient,
  mediaBase: string,
  layout?: { path: string; layout: Layout },
  /** Runs once every file is read and checked, before any upload; throws to stop the push (the content lint). */
  check?: (read: { path: string; playlist: Playlist }[]) => Promise<void>,
): Promise<PreparedPush> {
  const read = await Promise.all(paths.map(async (path) => ({ path, playlist: await readPlaylistFile(path) })));
  if (layout) checkZones(read, layout.layout, layout.path);
  const bySha = new Map<string, string>();
  for (const { path, playlist } of read) for (const file of await localFiles(path, playlist)) bySha.set(file.sha256, file.path);
  await check?.(read);
  const { missing } = await client.json('POST', '/api/media/missing', MediaMissing, { sha256: [...bySha.keys()] });
  for (const sha256 of missing) {
    const file = bySha.get(sha256)!;
    await client.upload(sha256, mime.getType(file) ?? 'application/octet-stream', file);
  }
  const base = mediaBase.replace(/\/+$/, '');
  const playlists = read.map(({ playlist }) => {
    const shaOf = new Map(playlist.items.flatMap(filesOf).map((file) => [file.src, file.sha256.toLowerCase()]));
    return mapSources(playlist, (src) => (isRemoteSrc(src) ? src : `${base}/media/${shaOf.get(src)!}`));
  });
  return { playlists, uploaded: missing.map((sha) => bySha.get(sha)!), alreadyThere: bySha.size - missing.length };
}
