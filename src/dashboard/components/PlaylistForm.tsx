import { createContext, memo, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { textSizePx, zoneFor, type LintFinding } from '../../shared/contentLint.js';
import type { Layout } from '../../shared/layout.js';
import { THEME_COLORS } from '../../shared/playlist.js';
import type { DraftIssue } from '../playlistDraft.js';
import { useStrings } from '../i18n.js';
import { IssueList } from './IssueList.js';
import {
  appendAt,
  fieldIdOf,
  freshId,
  fromFields,
  fromValue,
  insertAt,
  isRaw,
  isWithin,
  issuesAt,
  itemCount,
  keysFit,
  keysMoved,
  keysOf,
  keysSpliced,
  keysWithoutPlaylist,
  keysWithPlaylist,
  listWithout,
  moveAt,
  normalTime,
  optionalText,
  pathText,
  rawSetOf,
  removeAt,
  setAt,
  textOf,
  toggledDays,
  untilFields,
  untilValue,
  valueAt,
  type FormKeys,
  type Path,
  type Raw,
  type RawSet,
} from '../playlistForm.js';
import { numberFrom } from '../formatting.js';
import { scheduleSentence, weekdayName } from '../scheduleText.js';

/**
 * The playlists as a form (issue 8: edit a playlist, errors shown at the field): each playlist's
 * name, priority and schedule (weekdays to tick, hours, first and last day), its items in order
 * with their fields, moved, duplicated, added and removed; a text slide previewed as the screen
 * draws it. Every change is written to the editor's JSON text, which the schema then checks: its
 * errors come back to the field they name. What the form has no field for (colours, captions,
 * share of voice) stays as it is in the text; its errors are said beside its item.
 *
 * Each keystroke changes one item: the others keep their objects (the text is not read again for
 * the form's own changes) and are not drawn again (memo), so a long playlist stays responsive.
 */

/** What the form does, made once: each change applies to the latest set, so that no item needs drawing again for a callback's sake. */
interface FormActions {
  set(path: Path, value: unknown): void;
  moveItem(playlist: number, from: number, to: number): void;
  removeItem(playlist: number, at: number, said: string): void;
  addItem(playlist: number, item: Raw): void;
  duplicateItem(playlist: number, at: number): void;
  addPlaylist(playlist: Raw): void;
  removePlaylist(index: number, said: string): void;
  /** The item or playlist to focus once drawn (its key), and what in it: a new item's first field (its text selected), a moved item's button. */
  focus: { current: { key: number; selector: string; select?: boolean } | null };
}

/** Where a message will be shown: the layout the push sets or the target screen has (null: full screen), and that screen's size in CSS pixels. */
export interface PreviewScreen {
  layout: Layout | null;
  widthPx: number;
  heightPx: number;
}
const FULL_HD: PreviewScreen = { layout: null, widthPx: 1920, heightPx: 1080 };
const PreviewContext = createContext<PreviewScreen>(FULL_HD);

/** The services the hub's screens name in their layouts (id → name): offered in the service fields, the first one for a new wait item. */
const NO_SERVICES: Record<string, string> = {};
const NO_FINDINGS: readonly LintFinding[] = [];
const ServicesContext = createContext<Record<string, string>>(NO_SERVICES);
const SERVICES_LIST = 'pf-known-services';

/**
 * A removal the page offers to take back: `restore` puts the removed item or playlist back where it
 * was, into the draft as it is by then (what was typed since stays).
 */
export interface UndoEntry {
  said: string;
  restore(): void;
}

export type FormChange = (text: string, undo?: UndoEntry) => void;

/** `findings`: the content lint's (readability), said at the field they name as the schema's errors are. */
export function PlaylistForm({
  text,
  issues,
  findings = NO_FINDINGS,
  onText,
  services = NO_SERVICES,
  preview = FULL_HD,
}: {
  text: string;
  issues: readonly DraftIssue[];
  findings?: readonly LintFinding[];
  onText: FormChange;
  services?: Record<string, string>;
  /** `preview`: keep the same object while it does not change (every message is drawn again when it does). */
  preview?: PreviewScreen;
}) {
  const { t } = useStrings();
  // The form's own last change: its text, the set it came from and the keys; read again only when the text came from elsewhere.
  const latest = useRef<{ text: string; set: RawSet; keys: FormKeys } | null>(null);
  const current = useMemo(() => {
    if (latest.current?.text === text) return latest.current;
    const set = rawSetOf(text);
    if (!set) return null;
    const keys = latest.current && keysFit(latest.current.keys, set) ? latest.current.keys : keysOf(set);
    return (latest.current = { text, set, keys });
  }, [text]);
  const emit = useRef(onText);
  emit.current = onText;
  const actions = useMemo<FormActions>(() => {
    const change = (set: RawSet, keys: FormKeys, undo?: UndoEntry): void => {
      const next = textOf(set);
      latest.current = { text: next, set, keys };
      emit.current(next, undo);
    };
    const now = (): { set: RawSet; keys: FormKeys } => latest.current!;
    const items = (playlist: number): unknown[] => {
      const list = now().set.playlists[playlist]?.['items'];
      return Array.isArray(list) ? list : [];
    };
    const focus: FormActions['focus'] = { current: null };
    /** `item` inserted at `at` of `playlist` (both kept within what the draft has by then), focused. */
    const insertItem = (playlist: number, at: number, item: unknown): void => {
      const { set, keys } = now();
      const into = Math.min(playlist, set.playlists.length - 1);
      if (into < 0) return;
      const where = Math.min(at, items(into).length);
      const next = keysSpliced(keys, into, where, 0, 1);
      focus.current = { key: next.items[into]![where]!, selector: 'input, textarea' };
      change(insertAt(set, [into, 'items'], where, item), next);
    };
    return {
      focus,
      set: (path, value) => change(setAt(now().set, path, value), now().keys),
      moveItem: (playlist, from, to) => {
        const { set, keys } = now();
        // The focus stays on the button pressed, or on the other one once the item is first or last (the pressed one is then disabled).
        const edge = to === 0 ? 'down' : to === items(playlist).length - 1 ? 'up' : to < from ? 'up' : 'down';
        focus.current = { key: keys.items[playlist]![from]!, selector: `[data-move="${edge}"]` };
        change(moveAt(set, [playlist, 'items'], from, to), keysMoved(keys, playlist, from, to));
      },
      removeItem: (playlist, at, said) => {
        const { set, keys } = now();
        const removed = items(playlist)[at];
        change(removeAt(set, [playlist, 'items'], at, false), keysSpliced(keys, playlist, at, 1, 0), { said, restore: () => insertItem(playlist, at, removed) });
      },
      addItem: (playlist, item) => {
        const { set, keys } = now();
        const at = items(playlist).length;
        const next = keysSpliced(keys, playlist, at, 0, 1);
        focus.current = { key: next.items[playlist]![at]!, selector: 'input, textarea', select: true };
        change(appendAt(set, [playlist, 'items'], item), next);
      },
      duplicateItem: (playlist, at) => {
        const list = items(playlist);
        const original = list[at];
        if (!isRaw(original)) return;
        const ids = list.map((item) => (isRaw(item) ? item['id'] : undefined));
        insertItem(playlist, at + 1, { ...original, id: freshId(typeof original['id'] === 'string' ? original['id'] : 'element', ids) });
      },
      addPlaylist: (playlist) => {
        const { set, keys } = now();
        const next = keysWithPlaylist(keys, set.playlists.length, 0);
        focus.current = { key: next.playlists.at(-1)!, selector: 'input', select: true };
        change({ playlists: [...set.playlists, playlist], single: false }, next);
      },
      removePlaylist: (index, said) => {
        const { set, keys } = now();
        const removed = set.playlists[index]!;
        const playlists = set.playlists.filter((_, at) => at !== index);
        const restore = (): void => {
          const { set: later, keys: laterKeys } = now();
          const at = Math.min(index, later.playlists.length);
          const next = keysWithPlaylist(laterKeys, at, itemCount(removed));
          focus.current = { key: next.playlists[at]!, selector: 'input' };
          change({ playlists: later.playlists.toSpliced(at, 0, removed), single: false }, next);
        };
        change({ playlists, single: playlists.length === 1 }, keysWithoutPlaylist(keys, index), { said, restore });
      },
    };
  }, []);
  if (!current) {
    return (
      <p className="error" data-form-unreadable="">
        {t.formUnreadable}
      </p>
    );
  }
  const { set, keys } = current;
  const addPlaylist = (): void => actions.addPlaylist({ id: freshId('liste', set.playlists.map((p) => p['id'])), name: t.formNewPlaylistName, items: [] });
  return (
    <div className="playlist-form" data-playlist-form="">
      <PreviewContext.Provider value={preview}>
        <ServicesContext.Provider value={services}>
          <datalist id={SERVICES_LIST}>
            {Object.entries(services).map(([id, name]) => (
              <option key={id} value={id} label={name} />
            ))}
          </datalist>
          {set.playlists.map((playlist, index) => {
            const where = pathText(set, [index]);
            return (
              <PlaylistFields
                key={keys.playlists[index]}
                playlistKey={keys.playlists[index]!}
                actions={actions}
                index={index}
                count={set.playlists.length}
                single={set.single}
                playlist={playlist}
                itemKeys={keys.items[index]!}
                issues={set.single ? issues : issues.filter((issue) => isWithin(issue.path, where))}
                findings={set.single ? findings : findings.filter((finding) => isWithin(finding.path, where))}
              />
            );
          })}
        </ServicesContext.Provider>
      </PreviewContext.Provider>
      <div className="buttons">
        <button type="button" className="secondary" onClick={addPlaylist}>
          {t.formAddPlaylist}
        </button>
      </div>
    </div>
  );
}

/** Focuses what the form asked for in this item or playlist (`key`) once it is drawn; its text selected for a new one, so that typing replaces it. */
function useFocusAsked(actions: FormActions, key: number): RefObject<HTMLFieldSetElement | null> {
  const box = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    const wanted = actions.focus.current;
    if (wanted?.key !== key) return;
    actions.focus.current = null;
    const target = box.current?.querySelector<HTMLElement>(wanted.selector);
    if (!target) return;
    target.focus();
    if (wanted.select && target instanceof HTMLInputElement) target.select();
    target.scrollIntoView({ block: 'nearest' });
  });
  return box;
}

/** Focuses an element once the change drawing it is on screen (a new time window's start, its text selected; "Add" after a removal). */
function focusSoon(id: string, select = false): void {
  requestAnimationFrame(() => {
    const element = document.getElementById(id);
    element?.focus();
    if (select && element instanceof HTMLInputElement) element.select();
  });
}

/** Two lists of issues alike (each render makes new arrays: an item is drawn again only when its own issues change). */
function sameIssues(a: readonly DraftIssue[], b: readonly DraftIssue[]): boolean {
  return a.length === b.length && a.every((issue, k) => issue.path === b[k]!.path && issue.message === b[k]!.message);
}

function sameFindings(a: readonly LintFinding[], b: readonly LintFinding[]): boolean {
  return a.length === b.length && a.every((f, k) => f.path === b[k]!.path && f.severity === b[k]!.severity && f.screen === b[k]!.screen && f.message.fr === b[k]!.message.fr);
}

interface PlaylistProps {
  actions: FormActions;
  playlistKey: number;
  index: number;
  count: number;
  single: boolean;
  playlist: Raw;
  itemKeys: readonly number[];
  issues: readonly DraftIssue[];
  findings: readonly LintFinding[];
}

const PlaylistFields = memo(function PlaylistFields({ actions, playlistKey, index, count, single, playlist, itemKeys, issues, findings }: PlaylistProps) {
  const { t } = useStrings();
  const box = useFocusAsked(actions, playlistKey);
  const services = useContext(ServicesContext);
  const scope: Scope = { root: playlist, base: [index], single, issues, findings, actions };
  const items = Array.isArray(playlist['items']) ? (playlist['items'] as unknown[]) : [];
  const itemIds = items.map((item) => (isRaw(item) ? item['id'] : undefined));
  const label = typeof playlist['name'] === 'string' && playlist['name'] ? playlist['name'] : String(playlist['id'] ?? '');
  return (
    <fieldset className="form-playlist" data-form-playlist={String(playlist['id'] ?? index)} ref={box}>
      <legend>
        {t.playlist}
        {count > 1 ? ` ${index + 1}` : ''}
        {t.colon}
        {label}
      </legend>
      <div className="grid-form">
        <TextField scope={scope} rel={['name']} label={t.formName} optional />
        <TextField scope={scope} rel={['id']} label={t.formId} help={t.formIdHelp} />
        <NumberField scope={scope} rel={['priority']} label={t.formPriority} help={t.formPriorityHelp} />
        <TextField scope={scope} rel={['zone']} label={t.formZone} help={t.formZoneHelp} optional />
      </div>
      <OtherIssues scope={scope} shown={['name', 'id', 'priority', 'zone', 'schedule', 'items']} />
      <AlsoInText root={playlist} shown={['name', 'id', 'priority', 'zone', 'schedule', 'items']} />
      <ScheduleFields scope={scope} legend={t.formPlaylistSchedule} />
      <h3>{t.formItems}</h3>
      <IssueText scope={scope} rel={['items']} exact />
      {items.length === 0 ? <p className="help">{t.formNoItems}</p> : null}
      <ol className="form-items">
        {items.map((item, at) => {
          const where = pathText({ playlists: [], single }, [index, 'items', at]);
          return (
            <li key={itemKeys[at]}>
              <ItemFields
                actions={actions}
                itemKey={itemKeys[at]!}
                single={single}
                playlist={index}
                position={at}
                count={items.length}
                item={item}
                zone={typeof playlist['zone'] === 'string' ? playlist['zone'] : undefined}
                issues={issues.filter((issue) => isWithin(issue.path, where))}
                findings={findings.filter((finding) => isWithin(finding.path, where))}
              />
            </li>
          );
        })}
      </ol>
      <div className="buttons">
        <button type="button" className="secondary" onClick={() => actions.addItem(index, { id: freshId('message', itemIds), type: 'text', duration: 10, title: t.formNewTitle })}>
          {t.formAddText}
        </button>
        <button type="button" className="secondary" onClick={() => actions.addItem(index, { id: freshId('attente', itemIds), type: 'wait', duration: 12, service: Object.keys(services)[0] ?? '' })}>
          {t.formAddWait}
        </button>
        {count > 1 ? (
          <button type="button" className="danger" onClick={() => actions.removePlaylist(index, t.undoPlaylistRemoved(label))}>
            {t.formRemovePlaylist(label)}
          </button>
        ) : null}
      </div>
      <p className="help">{t.formMediaHelp}</p>
    </fieldset>
  );
}, samePlaylistProps);

function samePlaylistProps(a: PlaylistProps, b: PlaylistProps): boolean {
  return a.playlist === b.playlist && a.playlistKey === b.playlistKey && a.index === b.index && a.count === b.count && a.single === b.single && a.itemKeys === b.itemKeys && sameIssues(a.issues, b.issues) && sameFindings(a.findings, b.findings);
}

interface ItemProps {
  actions: FormActions;
  itemKey: number;
  single: boolean;
  playlist: number;
  position: number;
  count: number;
  item: unknown;
  /** The playlist's zone (§6), where a message is previewed. */
  zone: string | undefined;
  issues: readonly DraftIssue[];
  findings: readonly LintFinding[];
}

const ItemFields = memo(function ItemFields({ actions, itemKey, single, playlist, position, count, item, zone, issues, findings }: ItemProps) {
  const { t } = useStrings();
  // A new, copied or restored item takes the focus on its first field, a moved one keeps it on its button.
  const box = useFocusAsked(actions, itemKey);
  const services = useContext(ServicesContext);
  // Open at first when set, then as the user leaves them: emptying a field in them must not close them under the typing.
  const [qrOpen] = useState(() => isRaw(item) && item['qr'] !== undefined);
  const [conditionsOpen] = useState(() => isRaw(item) && (item['schedule'] !== undefined || item['when'] !== undefined));
  const base: Path = [playlist, 'items', position];
  const scope: Scope = { root: item, base, single, issues, findings, actions };
  if (!isRaw(item)) {
    return (
      <fieldset className="form-item" ref={box}>
        <legend>
          {position + 1}
          {t.colon}
          {t.formUnreadableItem}
        </legend>
        <OtherIssues scope={scope} shown={[]} />
        <div className="buttons">
          <button type="button" className="danger" onClick={() => actions.removeItem(playlist, position, t.undoItemRemoved(String(position + 1)))}>
            {t.formRemove}
          </button>
        </div>
      </fieldset>
    );
  }
  const type = item['type'];
  const id = String(item['id'] ?? '');
  // The item by what the room reads: a message's title, a wait's service by its name.
  const service = typeof item['service'] === 'string' && item['service'] ? (services[item['service']] ?? item['service']) : null;
  const title = typeof item['title'] === 'string' && item['title'] ? item['title'] : type === 'wait' && service ? service : id;
  const typeName = type === 'text' ? t.formTypeText : type === 'image' ? t.formTypeImage : type === 'video' ? t.formTypeVideo : type === 'wait' ? t.formTypeWait : String(type);
  const conditioned = item['schedule'] !== undefined || item['when'] !== undefined;
  return (
    <fieldset className="form-item" data-form-item={id} ref={box}>
      <legend>
        {position + 1}. {typeName}
        {t.colon}
        {title}
      </legend>
      <div className="form-item-body">
        <div className="form-item-fields">
          {type === 'text' ? (
            <>
              <TextField scope={scope} rel={['title']} label={t.formTitle} />
              <TextField scope={scope} rel={['body']} label={t.formBody} optional multiline />
            </>
          ) : null}
          {type === 'wait' ? <TextField scope={scope} rel={['service']} label={t.formService} help={t.formServiceHelp} services /> : null}
          {type === 'image' || type === 'video' ? <TextField scope={scope} rel={['src']} label={t.formSrc} help={t.formSrcHelp} /> : null}
          {type === 'image' ? <TextField scope={scope} rel={['alt']} label={t.formAlt} optional /> : null}
          <div className="grid-form">
            <NumberField scope={scope} rel={['duration']} label={type === 'video' ? t.formVideoDuration : t.formDuration} />
            <TextField scope={scope} rel={['id']} label={t.formId} help={t.formItemIdHelp} />
          </div>
        </div>
        {type === 'text' ? <SlidePreview item={item} zone={zone} /> : null}
        {type === 'image' && typeof item['src'] === 'string' && /^https?:\/\//.test(item['src']) ? <img className="form-thumb" src={item['src']} alt={typeof item['alt'] === 'string' ? item['alt'] : ''} /> : null}
      </div>
      <OtherIssues scope={scope} shown={['id', 'duration', 'service', 'title', 'body', 'src', 'alt', 'qr', 'schedule', 'when']} />
      <AlsoInText root={item} shown={['id', 'type', 'duration', 'service', 'title', 'body', 'src', 'sha256', 'bytes', 'alt', 'qr', 'schedule', 'when']} />
      {type === 'image' || type === 'text' ? (
        <details className="form-conditions" open={qrOpen}>
          <summary>{item['qr'] !== undefined ? t.formQrSet : t.formQr}</summary>
          <div className="grid-form">
            <TextField scope={scope} rel={['qr', 'url']} label={t.formQrUrl} help={t.formQrHelp} optional />
            <TextField scope={scope} rel={['qr', 'label']} label={t.formQrLabel} optional />
          </div>
        </details>
      ) : null}
      <details className="form-conditions" open={conditionsOpen}>
        <summary>{conditioned ? t.formConditionsSet : t.formConditions}</summary>
        <ScheduleFields scope={scope} legend={t.formItemSchedule} />
        <fieldset className="field">
          <legend>{t.formWaitRange}</legend>
          <div className="grid-form">
            <NumberField scope={scope} rel={['when', 'waitMinutes', 'min']} label={t.formWaitMin} />
            <NumberField scope={scope} rel={['when', 'waitMinutes', 'max']} label={t.formWaitMax} />
            <TextField scope={scope} rel={['when', 'service']} label={t.formWaitService} optional services />
          </div>
          <p className="help">{t.formWaitHelp}</p>
        </fieldset>
      </details>
      <div className="buttons">
        <button type="button" className="secondary" data-move="up" disabled={position === 0} aria-label={t.formMoveUp(title)} onClick={() => actions.moveItem(playlist, position, position - 1)}>
          ↑ {t.formUp}
        </button>
        <button type="button" className="secondary" data-move="down" disabled={position === count - 1} aria-label={t.formMoveDown(title)} onClick={() => actions.moveItem(playlist, position, position + 1)}>
          ↓ {t.formDown}
        </button>
        <button type="button" className="secondary" aria-label={t.formDuplicateItem(title)} onClick={() => actions.duplicateItem(playlist, position)}>
          {t.formDuplicate}
        </button>
        <button type="button" className="danger" aria-label={t.formRemoveItem(title)} onClick={() => actions.removeItem(playlist, position, t.undoItemRemoved(title))}>
          {t.formRemove}
        </button>
      </div>
    </fieldset>
  );
}, sameItemProps);

function sameItemProps(a: ItemProps, b: ItemProps): boolean {
  return a.item === b.item && a.zone === b.zone && a.itemKey === b.itemKey && a.playlist === b.playlist && a.position === b.position && a.count === b.count && a.single === b.single && sameIssues(a.issues, b.issues) && sameFindings(a.findings, b.findings);
}

/** What a field edits: a playlist or an item (`root`, at `base` in the set), its issues, the form's actions. */
interface Scope {
  root: unknown;
  base: Path;
  single: boolean;
  issues: readonly DraftIssue[];
  findings: readonly LintFinding[];
  actions: FormActions;
}

function where(scope: Scope, rel: Path): { path: Path; text: string; id: string } {
  const path = [...scope.base, ...rel];
  const text = pathText({ playlists: [], single: scope.single }, path);
  return { path, text, id: fieldIdOf(text) };
}

/** A schedule (§1) of a playlist or of an item: weekdays ticked, windows of hours, a first and a last day; said in a sentence. */
function ScheduleFields({ scope, legend }: { scope: Scope; legend: string }) {
  const { t, locale } = useStrings();
  const schedule = valueAt(scope.root, ['schedule']);
  const days = valueAt(schedule, ['days']);
  const hours = valueAt(schedule, ['hours']);
  const windows = Array.isArray(hours) ? hours : [];
  const names = useMemo(() => weekdayNames(locale), [locale]);
  const at = where(scope, ['schedule']);
  return (
    <fieldset className="field form-schedule" data-form-schedule={at.text}>
      <legend>{legend}</legend>
      <p className="schedule-sentence" data-schedule-sentence="">
        {scheduleSentence(schedule, t, locale)}
      </p>
      <fieldset className="field">
        <legend>{t.formDays}</legend>
        {names.map((name, k) => (
          <label key={k} className="choice">
            <input type="checkbox" checked={Array.isArray(days) && days.includes(k + 1)} onChange={(e) => scope.actions.set([...at.path, 'days'], toggledDays(days, k + 1, e.target.checked))} data-weekday={k + 1} /> {name}
          </label>
        ))}
        <p className="help">{t.formDaysHelp}</p>
        <IssueText scope={scope} rel={['schedule', 'days']} />
      </fieldset>
      <fieldset className="field">
        <legend>{t.formHours}</legend>
        {windows.map((_, k) => (
          <div key={k} className="inline form-window">
            <TextField scope={scope} rel={['schedule', 'hours', k, 'start']} label={t.formHoursStart} hiddenLabel={windows.length > 1 ? t.formWindowNumber(k + 1) : undefined} kind="time" />
            <TextField scope={scope} rel={['schedule', 'hours', k, 'end']} label={t.formHoursEnd} hiddenLabel={windows.length > 1 ? t.formWindowNumber(k + 1) : undefined} kind="time" />
            <button
              type="button"
              className="secondary"
              aria-label={t.formRemoveWindow(k + 1)}
              onClick={() => {
                scope.actions.set([...at.path, 'hours'], listWithout(windows, k, true));
                focusSoon(`${at.id}-add-hours`);
              }}
            >
              {t.formRemove}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          id={`${at.id}-add-hours`}
          onClick={() => {
            scope.actions.set([...at.path, 'hours'], [...windows, { start: '08:30', end: '12:00' }]);
            focusSoon(where(scope, ['schedule', 'hours', windows.length, 'start']).id, true);
          }}
        >
          {t.formAddWindow}
        </button>
        <p className="help">{t.formHoursHelp}</p>
        <IssueText scope={scope} rel={['schedule', 'hours']} exact />
      </fieldset>
      <div className="grid-form">
        <DayField scope={scope} rel={['schedule', 'from']} label={t.formFirstDay} timeLabel={t.formFirstDayTime} example="08:30" read={fromFields} write={fromValue} help={t.formFirstDayHelp} />
        <DayField scope={scope} rel={['schedule', 'until']} label={t.formLastDay} timeLabel={t.formLastDayTime} example="18:00" read={untilFields} write={untilValue} help={t.formLastDayHelp} />
      </div>
      <TextField scope={scope} rel={['schedule', 'timezone']} label={t.formTimezone} help={t.formTimezoneHelp} optional />
      <p className="help">{t.formScheduleTogether}</p>
    </fieldset>
  );
}

/**
 * A first or last day, picked as a date, with a time only when it is not the whole day: `from` and
 * `until` are local date-times (§1), `until` exclusive, so the last day is stored as the next day at
 * midnight. A date alone is never dropped for want of a time.
 */
function DayField({ scope, rel, label, timeLabel, example, help, read, write }: { scope: Scope; rel: Path; label: string; timeLabel: string; example: string; help: string; read(value: unknown): { day: string; time: string } | null; write(fields: { day: string; time: string }): string | undefined }) {
  const { t } = useStrings();
  const at = where(scope, rel);
  const value = valueAt(scope.root, rel);
  // A value that is not a local date-time keeps its day in the field when it starts with one (as the schema's error says what is wrong).
  const fields = read(value) ?? { day: typeof value === 'string' ? (/^\d{4}-\d{2}-\d{2}/.exec(value)?.[0] ?? '') : '', time: '' };
  const errors = issuesAt(scope.issues, at.text);
  // The time as typed, written only once it reads as one ("1", then "18", then "18:3" are not yet times; "18h" is, when the field is left).
  const [typed, setTyped] = useState<string | null>(null);
  const time = typed ?? fields.time;
  const written = (text: string): string | null => {
    const normal = normalTime(text);
    // Midnight is the whole day (its start, or its end for the last day): no time.
    if (text.trim() === '' || normal === '00:00' || normal === '24:00') return '';
    return /^(?:[01]\d|2[0-3]):[0-5]\d$/.test(normal) ? normal : null;
  };
  const change = (next: { day: string; time: string }): void => scope.actions.set(at.path, write(next));
  const typeTime = (text: string): void => {
    setTyped(text);
    const ready = /^\s*\d{1,2}\s*[:hH.]\s*\d{2}\s*$/.test(text) || text.trim() === '' ? written(text) : null;
    if (ready !== null && fields.day) change({ day: fields.day, time: ready });
  };
  const leaveTime = (): void => {
    if (typed === null) return;
    const ready = written(typed);
    if (ready === null) return;
    setTyped(null);
    if (fields.day) change({ day: fields.day, time: ready });
  };
  const badTime = typed !== null && typed.trim() !== '' && written(typed) === null;
  return (
    <div className="field day-field">
      <label htmlFor={at.id}>{label}</label>
      <div className="inline">
        <input
          id={at.id}
          type="date"
          value={fields.day}
          aria-invalid={errors.length ? true : undefined}
          aria-describedby={`${at.id}-help ${at.id}-error`}
          data-form-path={at.text}
          onChange={(e) => {
            // The time as written (a time half typed is not one): what the field shows then is what is stored.
            setTyped(null);
            change({ day: e.target.value, time: fields.time });
          }}
        />
        <label className="sr-only" htmlFor={`${at.id}-time`}>
          {timeLabel}
        </label>
        <input
          id={`${at.id}-time`}
          type="text"
          size={6}
          placeholder={example}
          title={timeLabel}
          disabled={!fields.day}
          aria-invalid={badTime ? true : undefined}
          aria-describedby={`${at.id}-help ${at.id}-error`}
          value={time}
          onChange={(e) => typeTime(e.target.value)}
          onBlur={leaveTime}
        />
      </div>
      <p id={`${at.id}-help`} className="help">
        {help}
      </p>
      <p id={`${at.id}-error`} className="error" data-error-at={at.text}>
        {errors.map((issue) => issue.message).join(t.listSeparator)}
        {badTime ? t.formTimeExpected : null}
      </p>
    </div>
  );
}

/** `services`: offers the services the screens name (a list under the field, as typed). */
function TextField({ scope, rel, label, hiddenLabel, help, optional = false, multiline = false, kind = 'text', services = false }: { scope: Scope; rel: Path; label: string; hiddenLabel?: string | undefined; help?: string; optional?: boolean; multiline?: boolean; kind?: 'text' | 'time'; services?: boolean }) {
  const at = where(scope, rel);
  const value = valueAt(scope.root, rel);
  const shown = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const onChange = (text: string): void => scope.actions.set(at.path, optional ? optionalText(text) : text);
  return (
    <FieldFrame scope={scope} at={at} label={label} hiddenLabel={hiddenLabel} help={help}>
      {(props) =>
        multiline ? (
          <textarea {...props} rows={3} value={shown} onChange={(e) => onChange(e.target.value)} />
        ) : kind === 'time' ? (
          // A time in 24 hours as the schedule writes it (18:00, 00:00), whatever the browser's clock format; 8h30 or 18.00 read as such when left.
          <input {...props} type="text" placeholder="08:30" size={6} value={shown} onChange={(e) => onChange(e.target.value)} onBlur={(e) => normalTime(e.target.value) !== e.target.value && onChange(normalTime(e.target.value))} />
        ) : (
          <input {...props} type="text" list={services ? SERVICES_LIST : undefined} value={shown} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </FieldFrame>
  );
}

function NumberField({ scope, rel, label, help }: { scope: Scope; rel: Path; label: string; help?: string }) {
  const at = where(scope, rel);
  const value = valueAt(scope.root, rel);
  // What was typed, kept while it reads as the stored value: "2." or "2,5" as typed, not "2".
  const [typed, setTyped] = useState<string | null>(null);
  const shown = typed !== null && numberFrom(typed) === value ? typed : value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const onChange = (text: string): void => {
    setTyped(text);
    scope.actions.set(at.path, numberFrom(text));
  };
  return (
    <FieldFrame scope={scope} at={at} label={label} help={help}>
      {(props) => <input {...props} type="text" inputMode="decimal" value={shown} onChange={(e) => onChange(e.target.value)} />}
    </FieldFrame>
  );
}

interface ControlProps {
  id: string;
  'aria-describedby': string;
  'aria-invalid': true | undefined;
  'data-form-path': string;
}

/** A labelled control with its help and the schema's errors at its path and within it (already in the page's language: readDraft). */
/** `hiddenLabel`: said after the label to screen readers only (which of several time windows). */
function FieldFrame({ scope, at, label, hiddenLabel, help, children }: { scope: Scope; at: { text: string; id: string }; label: string; hiddenLabel?: string | undefined; help?: string | undefined; children(props: ControlProps): ReactNode }) {
  const { t } = useStrings();
  const errors = issuesAt(scope.issues, at.text);
  return (
    <div className="field">
      <label htmlFor={at.id}>
        {label}
        {hiddenLabel ? <span className="sr-only"> {hiddenLabel}</span> : null}
      </label>
      {children({ id: at.id, 'aria-describedby': [help ? `${at.id}-help` : null, `${at.id}-error`].filter(Boolean).join(' '), 'aria-invalid': errors.length ? true : undefined, 'data-form-path': at.text })}
      {help ? (
        <p id={`${at.id}-help`} className="help">
          {help}
        </p>
      ) : null}
      <p id={`${at.id}-error`} className="error" data-error-at={at.text}>
        {errors.map((issue) => issue.message).join(t.listSeparator)}
      </p>
      <LintNotes findings={scope.findings.filter((finding) => isWithin(finding.path, at.text))} />
    </div>
  );
}

/** The content lint's findings at a field: readability (reading time, contrast, character height), as the lint panel words them. */
function LintNotes({ findings }: { findings: readonly LintFinding[] }) {
  const { t, lang } = useStrings();
  if (findings.length === 0) return null;
  return (
    <ul className="lint-notes">
      {findings.map((finding, k) => (
        <li key={k} className={finding.severity === 'error' ? 'error' : 'warning'} data-lint-at={finding.path} data-lint-rule={finding.rule}>
          {finding.severity === 'error' ? t.lintError : t.lintWarning}
          {finding.screen ? ` (${t.targetScreen} ${finding.screen})` : ''}
          {t.colon}
          {finding.message[lang]}
        </li>
      ))}
    </ul>
  );
}

/**
 * The schema's errors within the scope that no field of the form shows (an image's `sha256`, a
 * caption, a colour, a share of voice): said here, with their path, so that none is only in the
 * list under the editor.
 */
function OtherIssues({ scope, shown }: { scope: Scope; shown: readonly string[] }) {
  const at = where(scope, []);
  // A playlist alone is the text's root: its fields' paths have no prefix.
  const root = at.text === '(root)';
  const covered = (issuePath: string): boolean => shown.some((field) => isWithin(issuePath, root ? field : `${at.text}.${field}`));
  const others = scope.issues.filter((issue) => !covered(issue.path));
  const notes = scope.findings.filter((finding) => !covered(finding.path));
  if (others.length === 0 && notes.length === 0) return null;
  return (
    <>
      {others.length > 0 ? <IssueList issues={others} data-other-issues={at.text} /> : null}
      <LintNotes findings={notes} />
    </>
  );
}

/** What the text holds that the form has no field for (captions, colours, a share of voice, fields of other tools): kept as it is, and said. */
function AlsoInText({ root, shown }: { root: Raw; shown: readonly string[] }) {
  const { t } = useStrings();
  const others = Object.keys(root).filter((key) => root[key] !== undefined && !shown.includes(key));
  if (others.length === 0) return null;
  return (
    <p className="help" data-also-in-text={others.join(' ')}>
      {t.formAlsoInText(others.map((key) => (Array.isArray(root[key]) ? `${key} (${(root[key] as unknown[]).length})` : key)).join(', '))}
    </p>
  );
}

/** The schema's errors at a path that has no field of its own (a list). */
function IssueText({ scope, rel, exact = false }: { scope: Scope; rel: Path; exact?: boolean }) {
  const { t } = useStrings();
  const at = where(scope, rel);
  const errors = exact ? scope.issues.filter((issue) => issue.path === at.text) : issuesAt(scope.issues, at.text);
  return (
    <p className="error" data-error-at={at.text}>
      {errors.map((issue) => issue.message).join(t.listSeparator)}
    </p>
  );
}

/** ISO weekdays 1 (Monday) to 7, named in the page's language. */
function weekdayNames(locale: string): string[] {
  return Array.from({ length: 7 }, (_, k) => weekdayName(k + 1, locale));
}

/** The preview's largest box: a zone is drawn to scale within it. */
const PREVIEW_MAX = { width: 288, height: 216 };

/**
 * A text slide as the player draws it (src/renderer/styles.css `.text-slide`) in the zone its
 * playlist plays in, on the target screen, to scale: the title's and the text's sizes are the
 * player's for that zone (`textSizePx`, as the readability lint reads them), the same colours.
 * Text that does not fit here does not fit on the screen: said under it.
 */
function SlidePreview({ item, zone }: { item: Raw; zone: string | undefined }) {
  const { t } = useStrings();
  const screen = useContext(PreviewContext);
  const slide = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  const colors = isRaw(item['colors']) ? item['colors'] : {};
  const text = typeof colors['text'] === 'string' ? colors['text'] : undefined;
  const background = typeof colors['background'] === 'string' ? colors['background'] : THEME_COLORS.background;
  const title = typeof item['title'] === 'string' ? item['title'] : '';
  const body = typeof item['body'] === 'string' ? item['body'] : '';
  const box = zoneFor(zone === undefined ? {} : { zone }, screen.layout);
  const zoneW = (box.width / 100) * screen.widthPx;
  const zoneH = (box.height / 100) * screen.heightPx;
  const scale = Math.min(PREVIEW_MAX.width / zoneW, PREVIEW_MAX.height / zoneH);
  const short = Math.min(zoneW, zoneH) * scale;
  useLayoutEffect(() => {
    const measure = (): void => {
      const shown = slide.current;
      if (shown) setOverflows(shown.scrollHeight > shown.clientHeight + 1);
    };
    measure();
    // Measured again once the web font is in: the fallback's metrics are not the screen's.
    let live = true;
    void document.fonts.ready.then(() => live && measure());
    return () => {
      live = false;
    };
  }, [title, body, scale, short]);
  return (
    <figure className="slide-preview-frame" style={{ width: `${PREVIEW_MAX.width}px` }}>
      <div
        ref={slide}
        className="slide-preview"
        style={{ background, width: `${zoneW * scale}px`, height: `${zoneH * scale}px`, padding: `${0.08 * short}px ${0.09 * short}px`, borderLeftWidth: `${0.022 * short}px` }}
        data-slide-preview={String(item['id'] ?? '')}
      >
        <p className="slide-preview-title" style={{ color: text ?? THEME_COLORS.title, fontSize: `${textSizePx('title', box, screen) * scale}px`, marginBottom: `${0.04 * short}px` }}>
          {title}
        </p>
        {body ? (
          <p className="slide-preview-body" style={{ color: text ?? THEME_COLORS.body, fontSize: `${textSizePx('body', box, screen) * scale}px` }}>
            {body}
          </p>
        ) : null}
      </div>
      <figcaption className="help">{t.formPreviewCaption(box.id, Math.round(zoneW), Math.round(zoneH), screen.widthPx, screen.heightPx)}</figcaption>
      {overflows ? (
        <p className="error" data-slide-overflows="">
          {t.formPreviewOverflows}
        </p>
      ) : null}
    </figure>
  );
}
