import { describe, expect, it } from 'vitest';
import { numberFrom } from '../../src/dashboard/formatting.js';
import { readDraft } from '../../src/dashboard/playlistDraft.js';
import {
  appendAt,
  freshId,
  fromFields,
  fromValue,
  issuesAt,
  keysFit,
  keysMoved,
  keysOf,
  keysSpliced,
  keysWithoutPlaylist,
  keysWithPlaylist,
  moveAt,
  normalTime,
  pathText,
  rawSetOf,
  removeAt,
  setAt,
  textOf,
  toggledDays,
  untilFields,
  untilValue,
  type RawSet,
} from '../../src/dashboard/playlistForm.js';

/**
 * The playlist form's model: the editor's text read as plain values, one field changed, written
 * back; the schema's issues found again at the field's path.
 */

const text = JSON.stringify({ id: 'accueil', name: 'Accueil', items: [{ id: 'a', type: 'text', duration: 8, title: 'A' }, { id: 'b', type: 'text', duration: 8, title: 'B' }], colors: 'kept' }, null, 2);

function read(source: string): RawSet {
  const set = rawSetOf(source);
  if (!set) throw new Error('expected a readable set');
  return set;
}

describe('the playlist form’s model', () => {
  it('reads one playlist or an array of them, and nothing else; writes each back in its own shape', () => {
    const single = read(text);
    expect(single.single).toBe(true);
    expect(textOf(single)).toBe(text);
    const many = read(`[${text}, {"id": "b", "items": []}]`);
    expect(many.single).toBe(false);
    expect(JSON.parse(textOf(many))).toHaveLength(2);
    expect(rawSetOf('{"id": ')).toBeNull();
    expect(rawSetOf('42')).toBeNull();
    expect(rawSetOf('[{"id": "a"}, 3]')).toBeNull();
  });

  it('changes one field and keeps the others, the unknown ones too; an empty optional field is removed, and a schedule left empty with it', () => {
    const set = read(text);
    const titled = setAt(set, [0, 'items', 1, 'title'], 'Nouveaux horaires');
    expect(JSON.parse(textOf(titled))).toEqual({ ...JSON.parse(text), items: [JSON.parse(text).items[0], { id: 'b', type: 'text', duration: 8, title: 'Nouveaux horaires' }] });
    // The original is not changed.
    expect(textOf(set)).toBe(text);
    const weekend = setAt(set, [0, 'schedule', 'days'], [6, 7]);
    expect((JSON.parse(textOf(weekend)) as { schedule: unknown }).schedule).toEqual({ days: [6, 7] });
    expect('schedule' in JSON.parse(textOf(setAt(weekend, [0, 'schedule', 'days'], undefined)))).toBe(false);
    const waiting = setAt(set, [0, 'items', 0, 'when', 'waitMinutes', 'min'], 15);
    expect(JSON.parse(textOf(waiting)).items[0].when).toEqual({ waitMinutes: { min: 15 } });
    expect('when' in JSON.parse(textOf(setAt(waiting, [0, 'items', 0, 'when', 'waitMinutes', 'min'], undefined))).items[0]).toBe(false);
    expect(JSON.parse(textOf(setAt(set, [0, 'name'], undefined)))).not.toHaveProperty('name');
  });

  it('moves, removes and adds items; an emptied list of hours is removed, an emptied list of items is kept', () => {
    const set = read(text);
    const ids = (s: RawSet) => (JSON.parse(textOf(s)) as { items: { id: string }[] }).items.map((item) => item.id);
    expect(ids(moveAt(set, [0, 'items'], 1, 0))).toEqual(['b', 'a']);
    expect(ids(moveAt(set, [0, 'items'], 1, 2))).toEqual(['a', 'b']);
    expect(ids(appendAt(set, [0, 'items'], { id: 'c', type: 'wait', duration: 12, service: '' }))).toEqual(['a', 'b', 'c']);
    expect(ids(removeAt(removeAt(set, [0, 'items'], 0, false), [0, 'items'], 0, false))).toEqual([]);
    const hours = appendAt(set, [0, 'schedule', 'hours'], { start: '18:00', end: '00:00' });
    expect(JSON.parse(textOf(hours)).schedule).toEqual({ hours: [{ start: '18:00', end: '00:00' }] });
    expect('schedule' in JSON.parse(textOf(removeAt(hours, [0, 'schedule', 'hours'], 0, true)))).toBe(false);
  });

  it('finds the schema’s issues at the field’s path, in one playlist and in an array', () => {
    const bad = setAt(setAt(read(text), [0, 'items', 1, 'title'], ''), [0, 'schedule', 'hours'], [{ start: '18:00', end: '25:00' }]);
    const draft = readDraft(textOf(bad), 'fr');
    if (draft.ok) throw new Error('expected the draft to be refused');
    expect(pathText(bad, [0, 'items', 1, 'title'])).toBe('items[1].title');
    expect(issuesAt(draft.issues, 'items[1].title').map((issue) => issue.message)).toEqual(['attendu : un titre non vide']);
    expect(issuesAt(draft.issues, 'schedule').map((issue) => issue.path)).toEqual(['schedule.hours[0].end']);
    expect(issuesAt(draft.issues, 'items[1]')).toHaveLength(1);
    expect(issuesAt(draft.issues, 'items[10]')).toHaveLength(0);
    const array = { ...bad, single: false };
    expect(pathText(array, [0, 'items', 1, 'title'])).toBe('[0].items[1].title');
    const arrayDraft = readDraft(textOf(array), 'en');
    expect(!arrayDraft.ok && issuesAt(arrayDraft.issues, '[0].items[1].title').map((issue) => issue.message)).toEqual(['expected a non-empty title']);
  });

  it('ticks weekdays in order, none left being every day; reads numbers as typed, a comma as a point, what is not one kept for the schema to refuse', () => {
    expect(toggledDays(undefined, 7, true)).toEqual([7]);
    expect(toggledDays([7, 1], 6, true)).toEqual([1, 6, 7]);
    expect(toggledDays([6], 6, true)).toEqual([6]);
    expect(toggledDays([6], 6, false)).toBeUndefined();
    expect(numberFrom('12')).toBe(12);
    expect(numberFrom('2,5')).toBe(2.5);
    expect(numberFrom(' ')).toBeUndefined();
    expect(numberFrom('douze')).toBe('douze');
    expect(numberFrom('0x10')).toBe('0x10');
    expect(numberFrom('1e2')).toBe('1e2');
    expect(numberFrom('-3')).toBe(-3);
    expect(freshId('message', ['message-1', 'a', 3])).toBe('message-2');
    expect(freshId('affiche', ['a'], true)).toBe('affiche');
    expect(freshId('affiche', ['affiche'], true)).toBe('affiche-1');
  });
});

describe('the playlist form’s days, times and keys', () => {
  it('shows a first day and a last day included, a time only when it is not the whole day; writes them back as §1’s from and until', () => {
    expect(fromFields('2026-12-14T00:00')).toEqual({ day: '2026-12-14', time: '' });
    expect(fromFields('2026-12-14T08:30:00')).toEqual({ day: '2026-12-14', time: '08:30' });
    expect(untilFields('2026-12-25T00:00')).toEqual({ day: '2026-12-24', time: '' });
    expect(untilFields('2027-01-01T00:00')).toEqual({ day: '2026-12-31', time: '' });
    expect(untilFields('2026-12-24T18:00')).toEqual({ day: '2026-12-24', time: '18:00' });
    expect(untilFields('24/12/2026')).toBeNull();
    expect(fromValue({ day: '2026-12-14', time: '' })).toBe('2026-12-14T00:00');
    expect(untilValue({ day: '2026-12-24', time: '' })).toBe('2026-12-25T00:00');
    expect(untilValue({ day: '2024-02-28', time: '' })).toBe('2024-02-29T00:00');
    expect(untilValue({ day: '2026-12-24', time: '18:00' })).toBe('2026-12-24T18:00');
    expect(untilValue({ day: '', time: '18:00' })).toBeUndefined();
  });

  it('reads times as people type them, and leaves what is not one for the schema to refuse', () => {
    expect(['8:30', '8h30', '08H30', '18h', '18.00', '1800', '830', '8', ' 18 h 30 '].map(normalTime)).toEqual(['08:30', '08:30', '08:30', '18:00', '18:00', '18:00', '08:30', '08:00', '18:30']);
    expect(normalTime('midi')).toBe('midi');
    expect(normalTime('25:00')).toBe('25:00');
  });

  it('keeps each item’s key through moves, removals and additions, and makes new ones when the text changes shape from outside', () => {
    const set = read(text);
    const keys = keysOf(set);
    const [a, b] = keys.items[0]!;
    expect(keysMoved(keys, 0, 1, 0).items[0]).toEqual([b, a]);
    expect(keysSpliced(keys, 0, 0, 1, 0).items[0]).toEqual([b]);
    const added = keysSpliced(keys, 0, 2, 0, 1).items[0]!;
    expect(added.slice(0, 2)).toEqual([a, b]);
    expect(new Set(added).size).toBe(3);
    expect(keysFit(keys, set)).toBe(true);
    expect(keysFit(keys, appendAt(set, [0, 'items'], { id: 'c' }))).toBe(false);
    expect(keysWithoutPlaylist(keysWithPlaylist(keys, 1, 0), 1)).toEqual(keys);
    const before = keysWithPlaylist(keys, 0, 2);
    expect(before.playlists.slice(1)).toEqual(keys.playlists);
    expect(before.items[0]).toHaveLength(2);
    expect(before.items.slice(1)).toEqual(keys.items);
  });

  it('keeps a field’s place when it is emptied and typed again', () => {
    const set = read(text);
    const again = setAt(setAt(set, [0, 'name'], undefined), [0, 'name'], 'Accueil');
    expect(textOf(again)).toBe(text);
  });
});
