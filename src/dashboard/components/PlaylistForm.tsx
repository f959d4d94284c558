import { useMemo, useState, type ReactNode } from 'react';
import { THEME_COLORS } from '../../shared/playlist.js';
import type { DraftIssue } from '../playlistDraft.js';
import { useStrings } from '../i18n.js';
import {
  appendAt,
  freshId,
  isRaw,
  isWithin,
  issuesAt,
  moveAt,
  numberFrom,
  optionalText,
  pathText,
  rawSetOf,
  removeAt,
  setAt,
  textOf,
  toggledDays,
  valueAt,
  type Path,
  type Raw,
  type RawSet,
} from '../playlistForm.js';

/**
 * The playlists as a form (issue 8: edit a playlist, errors shown at the field): each playlist's
 * name, priority and schedule (weekdays to tick, hours, dates), its items in order with their
 * fields, moved, added and removed; a text slide previewed as the screen draws it. Every change is
 * written to the editor's JSON text, which the schema then checks: its errors come back to the field
 * they name. What the form has no field for (colours, captions, share of voice) stays as it is in the
 * text, and is edited there.
 */

interface FormContext {
  set: RawSet;
  issues: readonly DraftIssue[];
  change(next: RawSet): void;
}

export function PlaylistForm({ text, issues, onText }: { text: string; issues: readonly DraftIssue[]; onText(text: string): void }) {
  const { t } = useStrings();
  const set = useMemo(() => rawSetOf(text), [text]);
  if (!set) {
    return (
      <p className="error" data-form-unreadable="">
        {t.formUnreadable}
      </p>
    );
  }
  const form: FormContext = { set, issues, change: (next) => onText(textOf(next)) };
  const addPlaylist = (): void => {
    const id = freshId('liste', set.playlists.map((p) => p['id']));
    form.change({ playlists: [...set.playlists, { id, name: t.formNewPlaylistName, items: [] }], single: false });
  };
  return (
    <div className="playlist-form" data-playlist-form="">
      {set.playlists.map((playlist, index) => (
        <PlaylistFields key={index} form={form} index={index} playlist={playlist} />
      ))}
      <div className="buttons">
        <button type="button" className="secondary" onClick={addPlaylist}>
          {t.formAddPlaylist}
        </button>
      </div>
    </div>
  );
}

function PlaylistFields({ form, index, playlist }: { form: FormContext; index: number; playlist: Raw }) {
  const { t } = useStrings();
  const { set } = form;
  const items = Array.isArray(playlist['items']) ? (playlist['items'] as unknown[]) : [];
  const itemIds = items.map((item) => (isRaw(item) ? item['id'] : undefined));
  const addItem = (item: Raw): void => form.change(appendAt(set, [index, 'items'], item));
  const removePlaylist = (): void => {
    const playlists = set.playlists.filter((_, at) => at !== index);
    form.change({ playlists, single: playlists.length === 1 });
  };
  const label = typeof playlist['name'] === 'string' && playlist['name'] ? playlist['name'] : String(playlist['id'] ?? '');
  return (
    <fieldset className="form-playlist" data-form-playlist={String(playlist['id'] ?? index)}>
      <legend>
        {t.playlist} {set.playlists.length > 1 ? `${index + 1} ` : ''}: {label}
      </legend>
      <div className="grid-form">
        <TextField form={form} path={[index, 'name']} label={t.formName} optional />
        <TextField form={form} path={[index, 'id']} label={t.formId} help={t.formIdHelp} />
        <NumberField form={form} path={[index, 'priority']} label={t.formPriority} help={t.formPriorityHelp} />
        <TextField form={form} path={[index, 'zone']} label={t.formZone} help={t.formZoneHelp} optional />
      </div>
      <OtherIssues form={form} path={[index]} shown={['name', 'id', 'priority', 'zone', 'schedule', 'items']} />
      <ScheduleFields form={form} owner={[index]} legend={t.formPlaylistSchedule} />
      <h3>{t.formItems}</h3>
      <IssueText form={form} path={[index, 'items']} exact />
      {items.length === 0 ? <p className="help">{t.formNoItems}</p> : null}
      <ol className="form-items">
        {items.map((item, at) => (
          <li key={at}>{isRaw(item) ? <ItemFields form={form} path={[index, 'items', at]} item={item} position={at} count={items.length} /> : null}</li>
        ))}
      </ol>
      <div className="buttons">
        <button type="button" className="secondary" onClick={() => addItem({ id: freshId('message', itemIds), type: 'text', duration: 10, title: t.formNewTitle })}>
          {t.formAddText}
        </button>
        <button type="button" className="secondary" onClick={() => addItem({ id: freshId('attente', itemIds), type: 'wait', duration: 12, service: '' })}>
          {t.formAddWait}
        </button>
        {set.playlists.length > 1 ? (
          <button type="button" className="danger" onClick={removePlaylist}>
            {t.formRemovePlaylist(label)}
          </button>
        ) : null}
      </div>
      <p className="help">{t.formMediaHelp}</p>
    </fieldset>
  );
}

function ItemFields({ form, path, item, position, count }: { form: FormContext; path: Path; item: Raw; position: number; count: number }) {
  const { t } = useStrings();
  const { set } = form;
  const type = item['type'];
  const id = String(item['id'] ?? '');
  const list = path.slice(0, -1);
  const typeName = type === 'text' ? t.formTypeText : type === 'image' ? t.formTypeImage : type === 'video' ? t.formTypeVideo : type === 'wait' ? t.formTypeWait : String(type);
  const conditioned = item['schedule'] !== undefined || item['when'] !== undefined;
  return (
    <fieldset className="form-item" data-form-item={id}>
      <legend>
        {position + 1}. {typeName} : {id}
      </legend>
      <div className="form-item-body">
        <div className="form-item-fields">
          <div className="grid-form">
            <TextField form={form} path={[...path, 'id']} label={t.formId} />
            {type === 'video' ? (
              <NumberField form={form} path={[...path, 'duration']} label={t.formVideoDuration} />
            ) : (
              <NumberField form={form} path={[...path, 'duration']} label={t.formDuration} />
            )}
            {type === 'wait' ? <TextField form={form} path={[...path, 'service']} label={t.formService} help={t.formServiceHelp} /> : null}
          </div>
          {type === 'text' ? (
            <>
              <TextField form={form} path={[...path, 'title']} label={t.formTitle} />
              <TextField form={form} path={[...path, 'body']} label={t.formBody} optional multiline />
            </>
          ) : null}
          {type === 'image' || type === 'video' ? <TextField form={form} path={[...path, 'src']} label={t.formSrc} help={t.formSrcHelp} /> : null}
          {type === 'image' ? <TextField form={form} path={[...path, 'alt']} label={t.formAlt} optional /> : null}
          {type === 'image' || type === 'text' ? (
            <details className="form-conditions" open={item['qr'] !== undefined}>
              <summary>{item['qr'] !== undefined ? t.formQrSet : t.formQr}</summary>
              <div className="grid-form">
                <TextField form={form} path={[...path, 'qr', 'url']} label={t.formQrUrl} help={t.formQrHelp} optional />
                <TextField form={form} path={[...path, 'qr', 'label']} label={t.formQrLabel} optional />
              </div>
            </details>
          ) : null}
          <OtherIssues form={form} path={path} shown={['id', 'duration', 'service', 'title', 'body', 'src', 'alt', 'qr', 'schedule', 'when']} />
          <details className="form-conditions" open={conditioned}>
            <summary>{conditioned ? t.formConditionsSet : t.formConditions}</summary>
            <ScheduleFields form={form} owner={path} legend={t.formItemSchedule} />
            <fieldset className="field">
              <legend>{t.formWaitRange}</legend>
              <div className="grid-form">
                <NumberField form={form} path={[...path, 'when', 'waitMinutes', 'min']} label={t.formWaitMin} />
                <NumberField form={form} path={[...path, 'when', 'waitMinutes', 'max']} label={t.formWaitMax} />
                <TextField form={form} path={[...path, 'when', 'service']} label={t.formWaitService} optional />
              </div>
              <p className="help">{t.formWaitHelp}</p>
            </fieldset>
          </details>
        </div>
        {type === 'text' ? <SlidePreview item={item} /> : null}
        {type === 'image' && typeof item['src'] === 'string' && /^https?:\/\//.test(item['src']) ? <img className="form-thumb" src={item['src']} alt={typeof item['alt'] === 'string' ? item['alt'] : ''} /> : null}
      </div>
      <div className="buttons">
        <button type="button" className="secondary" disabled={position === 0} aria-label={t.formMoveUp(id)} onClick={() => form.change(moveAt(set, list, position, position - 1))}>
          ↑ {t.formUp}
        </button>
        <button type="button" className="secondary" disabled={position === count - 1} aria-label={t.formMoveDown(id)} onClick={() => form.change(moveAt(set, list, position, position + 1))}>
          ↓ {t.formDown}
        </button>
        <button type="button" className="danger" aria-label={t.formRemoveItem(id)} onClick={() => form.change(removeAt(set, list, position, false))}>
          {t.formRemove}
        </button>
      </div>
    </fieldset>
  );
}

/** A schedule (§1) of a playlist or of an item: weekdays ticked, windows of hours, a first and a last day. */
function ScheduleFields({ form, owner, legend }: { form: FormContext; owner: Path; legend: string }) {
  const { t, locale } = useStrings();
  const { set } = form;
  const at: Path = [...owner, 'schedule'];
  const days = valueAt(set.playlists, [...at, 'days']);
  const hours = valueAt(set.playlists, [...at, 'hours']);
  const windows = Array.isArray(hours) ? hours : [];
  const names = useMemo(() => weekdayNames(locale), [locale]);
  const base = idOf(set, at);
  return (
    <fieldset className="field form-schedule" data-form-schedule={pathText(set, at)}>
      <legend>{legend}</legend>
      <fieldset className="field">
        <legend>{t.formDays}</legend>
        {names.map((name, k) => (
          <label key={k} className="choice">
            <input
              type="checkbox"
              checked={Array.isArray(days) && days.includes(k + 1)}
              onChange={(e) => form.change(setAt(set, [...at, 'days'], toggledDays(days, k + 1, e.target.checked)))}
              data-weekday={k + 1}
            />{' '}
            {name}
          </label>
        ))}
        <p className="help">{t.formDaysHelp}</p>
        <IssueText form={form} path={[...at, 'days']} />
      </fieldset>
      <fieldset className="field">
        <legend>{t.formHours}</legend>
        {windows.map((_, k) => (
          <div key={k} className="inline form-window">
            <TextField form={form} path={[...at, 'hours', k, 'start']} label={t.formHoursStart} kind="time" />
            <TextField form={form} path={[...at, 'hours', k, 'end']} label={t.formHoursEnd} kind="time" />
            <button type="button" className="secondary" aria-label={t.formRemoveWindow(k + 1)} onClick={() => form.change(removeAt(set, [...at, 'hours'], k, true))}>
              {t.formRemove}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" id={`${base}-add-hours`} onClick={() => form.change(appendAt(set, [...at, 'hours'], { start: '08:30', end: '12:00' }))}>
          {t.formAddWindow}
        </button>
        <p className="help">{t.formHoursHelp}</p>
        <IssueText form={form} path={[...at, 'hours']} exact />
      </fieldset>
      <div className="grid-form">
        <TextField form={form} path={[...at, 'from']} label={t.formFrom} kind="datetime-local" optional />
        <TextField form={form} path={[...at, 'until']} label={t.formUntil} kind="datetime-local" optional />
        <TextField form={form} path={[...at, 'timezone']} label={t.formTimezone} help={t.formTimezoneHelp} optional />
      </div>
    </fieldset>
  );
}

/** A field's id from its path: `pf-items-2-title` (`pf-1-items-2-title` in an array of playlists). */
function idOf(set: RawSet, path: Path): string {
  return `pf-${pathText(set, path).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

function TextField({ form, path, label, help, optional = false, multiline = false, kind = 'text' }: { form: FormContext; path: Path; label: string; help?: string; optional?: boolean; multiline?: boolean; kind?: 'text' | 'time' | 'datetime-local' }) {
  const { set } = form;
  const value = valueAt(set.playlists, path);
  const shown = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const onChange = (text: string): void => form.change(setAt(set, path, optional ? optionalText(text) : text));
  return (
    <FieldFrame form={form} path={path} label={label} help={help}>
      {(props) =>
        multiline ? (
          <textarea {...props} rows={3} value={shown} onChange={(e) => onChange(e.target.value)} />
        ) : (
          // A time as typed, 24 hours (18:00, 00:00), as the schedule and its help write it, whatever the browser's own clock format.
          <input {...props} type={kind === 'datetime-local' ? kind : 'text'} placeholder={kind === 'time' ? '08:30' : undefined} inputMode={kind === 'time' ? 'numeric' : undefined} size={kind === 'time' ? 6 : undefined} value={kind === 'datetime-local' ? shown.slice(0, 16) : shown} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </FieldFrame>
  );
}

function NumberField({ form, path, label, help }: { form: FormContext; path: Path; label: string; help?: string }) {
  const { set } = form;
  const value = valueAt(set.playlists, path);
  // What was typed, kept while it reads as the stored value: "2." or "2,5" as typed, not "2".
  const [typed, setTyped] = useState<string | null>(null);
  const shown = typed !== null && numberFrom(typed) === value ? typed : value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const onChange = (text: string): void => {
    setTyped(text);
    form.change(setAt(set, path, numberFrom(text)));
  };
  return (
    <FieldFrame form={form} path={path} label={label} help={help}>
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
function FieldFrame({ form, path, label, help, children }: { form: FormContext; path: Path; label: string; help?: string | undefined; children(props: ControlProps): ReactNode }) {
  const where = pathText(form.set, path);
  const id = idOf(form.set, path);
  const errors = issuesAt(form.issues, where);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' '), 'aria-invalid': errors.length ? true : undefined, 'data-form-path': where })}
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      <p id={`${id}-error`} className="error" data-error-at={where}>
        {errors.map((issue) => issue.message).join(' ; ')}
      </p>
    </div>
  );
}

/**
 * The schema's errors within `path` that no field of the form shows (an image's `sha256`, a
 * caption, a colour, a share of voice): said here, with their path, so that none is only in the
 * list under the editor.
 */
function OtherIssues({ form, path, shown }: { form: FormContext; path: Path; shown: readonly string[] }) {
  const where = pathText(form.set, path);
  // A playlist alone is the text's root: every issue is within it, and its fields' paths have no prefix.
  const root = where === '(root)';
  const covered = (issuePath: string): boolean => shown.some((field) => isWithin(issuePath, root ? field : `${where}.${field}`));
  const others = form.issues.filter((issue) => (root || isWithin(issue.path, where)) && !covered(issue.path));
  if (others.length === 0) return null;
  return (
    <ul className="error" data-other-issues={where}>
      {others.map((issue, k) => (
        <li key={k}>
          <code>{issue.path}</code> : {issue.message}
        </li>
      ))}
    </ul>
  );
}

/** The schema's errors at a path that has no field of its own (a list, a type). */
function IssueText({ form, path, exact = false }: { form: FormContext; path: Path; exact?: boolean }) {
  const where = pathText(form.set, path);
  const errors = exact ? form.issues.filter((issue) => issue.path === where) : issuesAt(form.issues, where);
  return (
    <p className="error" data-error-at={where}>
      {errors.map((issue) => issue.message).join(' ; ')}
    </p>
  );
}

/** ISO weekdays 1 (Monday) to 7, named in the page's language: 2026-11-30 was a Monday. */
function weekdayNames(locale: string): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, k) => format.format(Date.UTC(2026, 10, 30 + k)));
}

/**
 * A text slide as the player draws it full screen (src/renderer/styles.css `.text-slide`): the
 * same proportions of the screen's short side for the title (8 %) and the text (5 %), the same
 * colours, at 16:9. Long text that overflows here overflows on the screen.
 */
function SlidePreview({ item }: { item: Raw }) {
  const { t } = useStrings();
  const colors = isRaw(item['colors']) ? item['colors'] : {};
  const text = typeof colors['text'] === 'string' ? colors['text'] : undefined;
  const background = typeof colors['background'] === 'string' ? colors['background'] : THEME_COLORS.background;
  const title = typeof item['title'] === 'string' ? item['title'] : '';
  const body = typeof item['body'] === 'string' ? item['body'] : '';
  return (
    <figure className="slide-preview-frame">
      <div className="slide-preview" style={{ background }} data-slide-preview={String(item['id'] ?? '')}>
        <p className="slide-preview-title" style={{ color: text ?? THEME_COLORS.title }}>
          {title}
        </p>
        {body ? (
          <p className="slide-preview-body" style={{ color: text ?? THEME_COLORS.body }}>
            {body}
          </p>
        ) : null}
      </div>
      <figcaption className="help">{t.formPreviewCaption}</figcaption>
    </figure>
  );
}
