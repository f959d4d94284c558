import { PlaylistSet, type Playlist } from '../shared/playlist.js';
import { formatPath } from '../shared/validationError.js';
import type { Lang } from './i18n.js';
import { schemaMessage, zodErrorsIn } from './schemaMessages.js';

/** The editor's text read as playlists, with the same schema the hub and the player use. */

export interface DraftIssue {
  /** Where, as the CLI and the hub write it: `[0].items[2].sha256` (`(root)` for the whole). */
  path: string;
  message: string;
}

/** `single`: the text is one playlist (paths like `items[2]`), not an array (`[0].items[2]`). */
export type Draft = { ok: true; playlists: Playlist[]; single: boolean } | { ok: false; issues: DraftIssue[] };

/** One playlist or an array of them; an error names its path within the array, in the dashboard's language. */
export function readDraft(text: string, lang: Lang): Draft {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // The parser's own words are the browser's (English in Chromium); what it is about, in the page's language.
    return { ok: false, issues: [{ path: '(root)', message: `${lang === 'fr' ? 'texte JSON illisible' : 'not readable as JSON'} (${error instanceof Error ? error.message : String(error)})` }] };
  }
  const single = !Array.isArray(raw);
  const parsed = PlaylistSet.safeParse(single ? [raw] : raw, zodErrorsIn(lang));
  if (parsed.success) return { ok: true, playlists: parsed.data, single };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({ path: formatPath(single ? issue.path.slice(1) : issue.path), message: schemaMessage(lang, issue.message) })),
  };
}
