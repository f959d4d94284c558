import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What a figure depends on, read from git: the contents of its files now, and what changed since a commit. */

/** Result files are written by the benchmarks themselves: never part of what a figure measures. */
const NOT_MEASURED = /^bench\/results\//;

export function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).trim();
}

/** Files under `paths` as the working tree has them: tracked and new (not ignored), deleted ones left out. */
function filesUnder(root: string, paths: readonly string[]): string[] {
  const listed = git(['ls-files', '--cached', '--others', '--exclude-standard', '--', ...paths], root).split('\n').filter(Boolean);
  return [...new Set(listed)].filter((path) => !NOT_MEASURED.test(path) && existsSync(join(root, path))).sort();
}

/** SHA-256 over each file's path and git blob hash (of its contents in the working tree, committed or not). */
export function sourceFingerprint(root: string, paths: readonly string[]): string {
  const files = filesUnder(root, paths);
  const blobs = files.length ? execFileSync('git', ['hash-object', '--stdin-paths'], { cwd: root, input: files.join('\n'), encoding: 'utf8' }).trim().split('\n') : [];
  const hash = createHash('sha256');
  files.forEach((file, k) => hash.update(`${file} ${blobs[k]}\n`));
  return hash.digest('hex');
}

/** Files under `paths` that differ now from `commit` (changed, added, removed; committed or not); null if git does not know the commit. */
export function changedSince(root: string, commit: string, paths: readonly string[]): string[] | null {
  try {
    git(['cat-file', '-e', `${commit}^{commit}`], root);
  } catch {
    return null;
  }
  const changed = git(['diff', '--name-only', commit, '--', ...paths], root).split('\n');
  const added = git(['ls-files', '--others', '--exclude-standard', '--', ...paths], root).split('\n');
  return [...new Set([...changed, ...added])].filter((path) => path && !NOT_MEASURED.test(path)).sort();
}

export function headCommit(root: string): string {
  return git(['rev-parse', 'HEAD'], root);
}
