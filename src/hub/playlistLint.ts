import { dirname, resolve } from 'node:path';
import { lintForScreens, strictFindings, type LintFinding, type MediaFacts, type ScreenViewing } from '../shared/contentLint.js';
import type { Layout } from '../shared/layout.js';
import { isRemoteSrc, type Playlist } from '../shared/playlist.js';
import { hasAudioTrack } from './mediaAudio.js';

/**
 * `antichambre-hub playlist push` lints what it pushes (src/shared/contentLint.ts) before any
 * upload: each playlist file on its own (paths as in the file: `items[2].body`), its local video
 * files probed for an audio track, and character height for each target screen whose size and
 * viewing distance the hub knows. Errors refuse the push; `--strict` makes every warning one.
 */

export interface FileFinding {
  file: string;
  finding: LintFinding;
}

export async function lintPlaylistFiles(
  read: readonly { path: string; playlist: Playlist }[],
  options: { layout?: Layout | null; viewings?: readonly { screen: string; viewing: ScreenViewing; layout?: Layout | null }[]; strict?: boolean },
): Promise<FileFinding[]> {
  const out: FileFinding[] = [];
  for (const { path, playlist } of read) {
    const facts = new Map<string, MediaFacts>();
    for (const item of playlist.items) {
      if (item.type !== 'video' || isRemoteSrc(item.src)) continue;
      const audio = await hasAudioTrack(resolve(dirname(path), item.src));
      if (audio !== undefined) facts.set(item.sha256.toLowerCase(), { audio });
    }
    const context = { single: true, layout: options.layout ?? null, media: (sha256: string) => facts.get(sha256) };
    const screens = (options.viewings ?? []).map(({ screen, viewing, layout }) => ({ id: screen, viewing, layout: layout ?? null }));
    for (const finding of lintForScreens([playlist], context, screens)) out.push({ file: path, finding });
  }
  return options.strict ? out.map((f) => ({ ...f, finding: strictFindings([f.finding])[0]! })) : out;
}

/** One finding on two lines: French, then English. */
export function describeFileFinding(f: FileFinding): string {
  const where = `${f.file}: ${f.finding.path}${f.finding.screen ? ` (écran/screen ${f.finding.screen})` : ''}`;
  const label = f.finding.severity === 'error' ? 'erreur/error' : 'avertissement/warning';
  return `${label} ${where}: ${f.finding.message.fr}\n    ${f.finding.message.en}`;
}
