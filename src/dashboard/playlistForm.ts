import { formatPath } from '../shared/validationError.js';
import type { DraftIssue } from './playlistDraft.js';

/**
 * The playlist form's model: the editor's JSON text read as plain values (not yet checked, so that a
 * field can hold what the schema refuses and show the schema's error beside it), changed one field
 * at a time, and written back as the text. The text stays the one source: the JSON view, the checks,
 * the lint and the push all read it.
 */

export type Path = readonly (string | number)[];
export type Raw = Record<string, unknown>;

/** The text as playlists: one object (`single`), or an array of objects. Null when it is neither. */
export interface RawSet {
  playlists: Raw[];
  single: boolean;
}

export function isRaw(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rawSetOf(text: string): RawSet | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (isRaw(value)) return { playlists: [value], single: true };
  if (Array.isArray(value) && value.every(isRaw)) return { playlists: value, single: false };
  return null;
}

/** Laid out one field a line, as a loaded file is. */
export function textOf(set: RawSet): string {
  return JSON.stringify(set.single && set.playlists.length === 1 ? set.playlists[0] : set.playlists, null, 2);
}

export function valueAt(root: unknown, path: Path): unknown {
  let at = root;
  for (const key of path) {
    if (typeof key === 'number' ? !Array.isArray(at) : !isRaw(at)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/**
 * `root` with `value` at `path`, the objects and arrays on the way copied, the others kept.
 * `undefined` removes the field (an optional field left empty is absent, as in a file written by
 * hand); an object left empty by it is removed too (a schedule with nothing set is no schedule).
 */
export function withValue(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof key === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    list[key] = withValue(list[key], rest, value);
    return list;
  }
  const object: Raw = isRaw(root) ? { ...root } : {};
  const next = withValue(object[key], rest, value);
  if (next === undefined || (isRaw(next) && Object.keys(next).length === 0 && rest.length > 0)) delete object[key];
  else object[key] = next;
  return object;
}

/** The set with `value` at `path`, where the path starts with the playlist's index. */
export function setAt(set: RawSet, path: Path, value: unknown): RawSet {
  return { ...set, playlists: withValue(set.playlists, path, value) as Raw[] };
}

/** The list at `path` with its element `from` moved to `to` (both within the list). */
export function moveAt(set: RawSet, path: Path, from: number, to: number): RawSet {
  const list = valueAt(set.playlists, path);
  if (!Array.isArray(list) || to < 0 || to >= list.length || from === to) return set;
  const next = [...(list as unknown[])];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved);
  return setAt(set, path, next);
}

/** The list at `path` without its element `at`; an emptied optional list (`hours`) is removed. */
export function removeAt(set: RawSet, path: Path, at: number, removeWhenEmpty: boolean): RawSet {
  const list = valueAt(set.playlists, path);
  if (!Array.isArray(list)) return set;
  const next = (list as unknown[]).filter((_, index) => index !== at);
  return setAt(set, path, next.length === 0 && removeWhenEmpty ? undefined : next);
}

/** The list at `path` with `value` at its end (the list made when absent). */
export function appendAt(set: RawSet, path: Path, value: unknown): RawSet {
  const list = valueAt(set.playlists, path);
  return setAt(set, path, [...(Array.isArray(list) ? (list as unknown[]) : []), value]);
}

/** Where a field is, as the draft's issues name it (`items[2].title`, or `[1].items[2].title` in an array). */
export function pathText(set: RawSet, path: Path): string {
  return formatPath(set.single ? path.slice(1) : path);
}

/** Whether an issue's path is `at` or within it (`schedule` holds `schedule.hours[0].end`, not `schedules`). */
export function isWithin(path: string, at: string): boolean {
  return path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`);
}

/** The issues at `path` or within it. */
export function issuesAt(issues: readonly DraftIssue[], path: string): DraftIssue[] {
  return issues.filter((issue) => isWithin(issue.path, path));
}

/** An id not yet taken among `taken`: `base-1`, `base-2`… */
export function freshId(base: string, taken: readonly unknown[]): string {
  const used = new Set(taken.filter((id): id is string => typeof id === 'string'));
  for (let n = 1; ; n += 1) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** ISO weekdays in `days` (a schedule's), with `day` added or taken out; none left is every day (absent). */
export function toggledDays(days: unknown, day: number, on: boolean): number[] | undefined {
  const current = Array.isArray(days) ? days.filter((d): d is number => typeof d === 'number') : [];
  const next = on ? [...new Set([...current, day])].sort((a, b) => a - b) : current.filter((d) => d !== day);
  return next.length === 0 ? undefined : next;
}

/** A number field's text as the value to store: empty is absent; what is not a number is kept as typed, for the schema to refuse. */
export function numberFrom(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : text;
}

/** An optional text field's value: empty is absent. */
export function optionalText(text: string): string | undefined {
  return text === '' ? undefined : text;
}
