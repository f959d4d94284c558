import { Layout, type Calls, type LayoutInput, type ZoneKind } from '../shared/layout.js';
import type { LayoutPresetId } from '../shared/layoutPresets.js';
import type { Playlist } from '../shared/playlist.js';
import { PlaylistsMessage } from '../shared/protocol.js';
import { formatPath } from '../shared/validationError.js';
import { stringsOf, type Lang } from './i18n.js';
import { schemaMessage, zodErrorsIn } from './schemaMessages.js';

/**
 * The layout editor's fields (as typed: numbers are text until read) read as a §6 layout with
 * the shared schema, each problem tied to the field it is about.
 */

export interface ZoneFields {
  id: string;
  x: string;
  y: string;
  width: string;
  height: string;
  kind: ZoneKind;
  /** `queue` zones: service ids separated by commas (empty: every service). */
  services: string;
}

export interface LayoutFields {
  id: string;
  zones: ZoneFields[];
  /** Kept as loaded (the editor does not change how calls are announced). */
  calls?: Calls | undefined;
  /** The services' names (the layout's `serviceNames`), one per line: `etat-civil = État civil` (empty: none). */
  serviceNames: string;
  /** The counters' names (`counterNames`), the same way: `3 = Box 3`. */
  counterNames: string;
}

export type Orientation = 'landscape' | 'portrait';

/** Keep the target's layout, remove it (full screen), or push the one edited. */
export type LayoutChoice = { mode: 'keep' } | { mode: 'none' } | { mode: 'edit'; fields: LayoutFields; orientation: Orientation; /** The preset it was made from, until a field changes. */ preset: LayoutPresetId | null };

export interface LayoutIssue {
  /** The field's element id (`zone-1-width`, `zone-1` for the whole row, `layout-id`, `layout-zones`), or `playlists[i].zone`. */
  field: string;
  path: string;
  message: string;
}

export type LayoutReading = { ok: true; layout: Layout } | { ok: false; issues: LayoutIssue[] };

export function fieldsOf(layout: Layout): LayoutFields {
  return {
    id: layout.id,
    zones: layout.zones.map((zone) => ({
      id: zone.id,
      x: String(zone.x),
      y: String(zone.y),
      width: String(zone.width),
      height: String(zone.height),
      kind: zone.kind,
      services: zone.services?.join(', ') ?? '',
    })),
    ...(layout.calls ? { calls: layout.calls } : {}),
    serviceNames: linesOf(layout.serviceNames),
    counterNames: linesOf(layout.counterNames),
  };
}

/** Names as the editor shows them: `id = name`, one a line. */
function linesOf(names: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(names ?? {})
    .map(([id, name]) => `${id} = ${name}`)
    .join('\n');
}

/**
 * The names typed, one a line (`etat-civil = État civil`; blank lines skipped). A line without
 * `=` is read as an id without a name, which the schema refuses at its path
 * (`serviceNames.<line>`), under the field; a line without an id, and an id named twice, are
 * `namesLineIssues`' (the record keeps one name an id).
 */
export function namesOf(text: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const { id, name } of namesLines(text)) {
    if (id === '') continue;
    // Defined, not assigned: a line `__proto__ = …` stays a key (the schema refuses it), not the object's prototype.
    Object.defineProperty(names, id, { value: name, enumerable: true, writable: true, configurable: true });
  }
  return names;
}

/** Each non-blank line of a names field: its number (from 1), its id and its name ('' without `=`). */
function namesLines(text: string): { line: number; id: string; name: string }[] {
  return text.split('\n').flatMap((line, k) => {
    if (line.trim() === '') return [];
    const equals = line.indexOf('=');
    return [{ line: k + 1, id: (equals < 0 ? line : line.slice(0, equals)).trim(), name: equals < 0 ? '' : line.slice(equals + 1).trim() }];
  });
}

/** What a names field says wrong that its record cannot show: a line without an id, an id named on two lines. */
function namesLineIssues(text: string, key: 'serviceNames' | 'counterNames', field: string, lang: Lang): LayoutIssue[] {
  const t = stringsOf(lang);
  const issues: LayoutIssue[] = [];
  const first = new Map<string, number>();
  for (const { line, id } of namesLines(text)) {
    if (id === '') issues.push({ field, path: `layout.${key}`, message: t.namesLineNoId(line) });
    else if (first.has(id)) issues.push({ field, path: `layout.${key}.${id}`, message: t.namesLineTwice(line, id, first.get(id)!) });
    else first.set(id, line);
  }
  return issues;
}

/** `12,5` (French) and `12.5` alike; empty stays absent so that the schema names it missing. */
function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed.replace(',', '.'));
}

export function servicesOf(text: string): string[] {
  return text
    .split(',')
    .map((service) => service.trim())
    .filter((service) => service !== '');
}

/** What the fields say, as the input of the schema (numbers where they read as numbers). */
export function layoutInputOf(fields: LayoutFields): LayoutInput {
  return {
    id: fields.id,
    zones: fields.zones.map((zone) => {
      const services = servicesOf(zone.services);
      return {
        id: zone.id,
        x: numberOf(zone.x) as number,
        y: numberOf(zone.y) as number,
        width: numberOf(zone.width) as number,
        height: numberOf(zone.height) as number,
        kind: zone.kind,
        ...(zone.kind === 'queue' && services.length > 0 ? { services } : {}),
      };
    }),
    ...(fields.calls ? { calls: fields.calls } : {}),
    ...(fields.serviceNames.trim() !== '' ? { serviceNames: namesOf(fields.serviceNames) } : {}),
    ...(fields.counterNames.trim() !== '' ? { counterNames: namesOf(fields.counterNames) } : {}),
  };
}

function fieldOf(path: readonly PropertyKey[]): string {
  const [first, index, name] = path;
  if (first === 'zones' && typeof index === 'number') {
    if (name === 'services') return `zone-${index}-services`;
    return typeof name === 'string' ? `zone-${index}-${name}` : `zone-${index}`;
  }
  if (first === 'zones') return 'layout-zones';
  if (first === 'id') return 'layout-id';
  if (first === 'serviceNames') return 'layout-service-names';
  if (first === 'counterNames') return 'layout-counter-names';
  return 'layout';
}

/**
 * The fields read with the shared schema and, when the editor's playlists read too, each
 * playlist's `zone` checked against it (the same checks as the hub's, with the same paths).
 */
export function readLayout(fields: LayoutFields, playlists: readonly Playlist[] | null, lang: Lang): LayoutReading {
  const lineIssues = [...namesLineIssues(fields.serviceNames, 'serviceNames', 'layout-service-names', lang), ...namesLineIssues(fields.counterNames, 'counterNames', 'layout-counter-names', lang)];
  const parsed = Layout.safeParse(layoutInputOf(fields), zodErrorsIn(lang));
  if (!parsed.success || lineIssues.length > 0) {
    return {
      ok: false,
      issues: lineIssues.concat((parsed.error?.issues ?? []).map((issue) => ({
        field: fieldOf(issue.path),
        path: `layout.${formatPath(issue.path)}`,
        // Under a names' field, each problem says the line's id.
        message: (issue.path[0] === 'serviceNames' || issue.path[0] === 'counterNames') && issue.path.length > 1 ? stringsOf(lang).namesLineProblem(String(issue.path[1]), schemaMessage(lang, issue.message)) : schemaMessage(lang, issue.message),
      }))),
    };
  }
  if (playlists) {
    // The set as the hub would send it: the same check the hub and the player make.
    const set = PlaylistsMessage.safeParse({ revision: 'draft', playlists, layout: parsed.data }, zodErrorsIn(lang));
    if (!set.success) return { ok: false, issues: set.error.issues.map((issue) => ({ field: formatPath(issue.path), path: formatPath(issue.path), message: schemaMessage(lang, issue.message) })) };
  }
  return { ok: true, layout: parsed.data };
}

/** A new zone for the editor: below the others, filling what is left of the screen's height. */
export function newZone(fields: LayoutFields): ZoneFields {
  const bottom = Math.max(0, ...fields.zones.map((zone) => (numberOf(zone.y) ?? 0) + (numberOf(zone.height) ?? 0)));
  const y = Math.min(bottom, 90);
  return { id: `zone-${fields.zones.length + 1}`, x: '0', y: String(y), width: '100', height: String(Math.max(10, 100 - y)), kind: 'playlist', services: '' };
}

/** The geometry of a zone, when its four numbers read (to draw it even while the layout is invalid). */
export function boxOf(zone: ZoneFields): { x: number; y: number; width: number; height: number } | null {
  const [x, y, width, height] = [zone.x, zone.y, zone.width, zone.height].map(numberOf);
  if ([x, y, width, height].some((n) => n === undefined || !Number.isFinite(n))) return null;
  return { x: x!, y: y!, width: Math.max(0, width!), height: Math.max(0, height!) };
}
