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
  // Left in its place as undefined (JSON.stringify omits it): typed again, the field comes back where it was.
  object[key] = next === undefined || (isRaw(next) && rest.length > 0 && Object.values(next).every((v) => v === undefined)) ? undefined : next;
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

/** `list` without its element `at`; an emptied optional list (a schedule's `hours`) is absent when `removeWhenEmpty`. */
export function listWithout(list: readonly unknown[], at: number, removeWhenEmpty: boolean): unknown[] | undefined {
  const next = list.filter((_, index) => index !== at);
  return next.length === 0 && removeWhenEmpty ? undefined : next;
}

/** The list at `path` without its element `at` (see listWithout). */
export function removeAt(set: RawSet, path: Path, at: number, removeWhenEmpty: boolean): RawSet {
  const list = valueAt(set.playlists, path);
  if (!Array.isArray(list)) return set;
  return setAt(set, path, listWithout(list, at, removeWhenEmpty));
}

/** The list at `path` with `value` inserted at `at`. */
export function insertAt(set: RawSet, path: Path, at: number, value: unknown): RawSet {
  const list = valueAt(set.playlists, path);
  const next = [...(Array.isArray(list) ? (list as unknown[]) : [])];
  next.splice(at, 0, value);
  return setAt(set, path, next);
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

/** An id not yet taken among `taken`: `base-1`, `base-2`… (`base` itself first when `plainFirst`: a file's name). */
export function freshId(base: string, taken: readonly unknown[], plainFirst = false): string {
  const used = new Set(taken.filter((id): id is string => typeof id === 'string'));
  if (plainFirst && !used.has(base)) return base;
  for (let n = 1; ; n += 1) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** ISO weekdays in `days` (a schedule's), with `day` added or taken out; none left is every day (absent). */
export function toggledDays(days: unknown, day: number, on: boolean): number[] | undefined {
  const current = Array.isArray(days) ? days.filter((d): d is number => typeof d === 'number') : [];
  const next = on ? [...new Set([...current, day])].sort((a, b) => a - b) : current.filter((d) => d !== day);
  return next.length === 0 ? undefined : next;
}

/** A time as people type it (`8:30`, `8h30`, `18h`, `18.00`, `1800`) written as the schedule reads it (`08:30`); anything else as typed. */
export function normalTime(text: string): string {
  const m = /^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?|(\d{2}))?\s*$/.exec(text);
  if (!m) return text;
  const minutes = m[2] ?? m[3] ?? '00';
  return `${m[1]!.padStart(2, '0')}:${minutes}`;
}

/** `2026-12-24` plus `days` days (calendar dates, no time zone). */
export function dayPlus(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A schedule's local date-time split for its fields: the day, and the time unless it is midnight. */
export interface DayAndTime {
  day: string;
  time: string;
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/;

/** `from` as a first day and a start time (none at midnight). */
export function fromFields(from: unknown): DayAndTime | null {
  const m = typeof from === 'string' ? LOCAL_DATE_TIME.exec(from) : null;
  return m ? { day: m[1]!, time: m[2] === '00:00' ? '' : m[2]! } : null;
}

/** `until` (exclusive) as the last day it includes and an end time: `2026-12-25T00:00` is the whole of the 24th. */
export function untilFields(until: unknown): DayAndTime | null {
  const m = typeof until === 'string' ? LOCAL_DATE_TIME.exec(until) : null;
  if (!m) return null;
  return m[2] === '00:00' ? { day: dayPlus(m[1]!, -1), time: '' } : { day: m[1]!, time: m[2]! };
}

/** The fields back as `from`: midnight when no time is given; absent without a day. */
export function fromValue({ day, time }: DayAndTime): string | undefined {
  return day ? `${day}T${time || '00:00'}` : undefined;
}

/** The fields back as `until`: the end of the last day when no time is given (the next day at midnight, exclusive). */
export function untilValue({ day, time }: DayAndTime): string | undefined {
  if (!day) return undefined;
  return time ? `${day}T${time}` : `${dayPlus(day, 1)}T00:00`;
}

/**
 * Stable keys for the form's playlists and items, so that a button keeps its item when items are
 * moved or removed (a second click on "Remove" must not remove the next one). Kept by the form's own
 * changes; made again when the text changes shape from outside (the JSON view, a file).
 */
export interface FormKeys {
  playlists: number[];
  items: number[][];
}

let lastKey = 0;
const freshKey = (): number => (lastKey += 1);

/** How many items a playlist has as written (none when `items` is not a list). */
export function itemCount(playlist: Raw): number {
  return Array.isArray(playlist['items']) ? playlist['items'].length : 0;
}

export function keysOf(set: RawSet): FormKeys {
  return { playlists: set.playlists.map(freshKey), items: set.playlists.map((p) => Array.from({ length: itemCount(p) }, freshKey)) };
}

/** Whether the keys still fit the set (the same number of playlists and of items in each). */
export function keysFit(keys: FormKeys, set: RawSet): boolean {
  return keys.playlists.length === set.playlists.length && set.playlists.every((p, i) => keys.items[i]?.length === itemCount(p));
}

/** Keys after a change of one playlist's items: `splice` as Array.prototype.splice, new items given fresh keys. */
export function keysSpliced(keys: FormKeys, playlist: number, start: number, remove: number, add: number): FormKeys {
  const items = keys.items.map((list, i) => (i === playlist ? [...list.slice(0, start), ...Array.from({ length: add }, freshKey), ...list.slice(start + remove)] : list));
  return { ...keys, items };
}

export function keysMoved(keys: FormKeys, playlist: number, from: number, to: number): FormKeys {
  const items = keys.items.map((list, i) => {
    if (i !== playlist) return list;
    const next = [...list];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    return next;
  });
  return { ...keys, items };
}

export function keysWithoutPlaylist(keys: FormKeys, index: number): FormKeys {
  return { playlists: keys.playlists.filter((_, i) => i !== index), items: keys.items.filter((_, i) => i !== index) };
}

/** Keys with a playlist of `items` items inserted at `at` (added at the end, or put back where it was removed). */
export function keysWithPlaylist(keys: FormKeys, at: number, items: number): FormKeys {
  return { playlists: keys.playlists.toSpliced(at, 0, freshKey()), items: keys.items.toSpliced(at, 0, Array.from({ length: items }, freshKey)) };
}

/** A field's element id from its path as the issues name it: `pf-items-2-title` (`pf-1-items-2-title` in an array). */
export function fieldIdOf(pathText: string): string {
  return `pf-${pathText.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

/** An optional text field's value: empty is absent. */
export function optionalText(text: string): string | undefined {
  return text === '' ? undefined : text;
}
