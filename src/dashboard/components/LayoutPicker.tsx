import type { ZoneKind } from '../../shared/layout.js';
import { LAYOUT_PRESETS, layoutPreset, type LayoutPresetId } from '../../shared/layoutPresets.js';
import { IssueList } from './IssueList.js';
import { useStrings, type Strings } from '../i18n.js';
import { boxOf, fieldsOf, newZone, servicesOf, type LayoutChoice, type LayoutFields, type LayoutReading, type Orientation, type ZoneFields } from '../layoutDraft.js';
import { SelectField } from './Field.js';

/**
 * The layout pushed with the playlists (§6): keep the target's, none (full screen), a preset
 * (with the queue zone's services), or zones edited as numbers; a preview drawn to scale in the
 * screen's orientation; every problem shown at its field as it is typed.
 */

const KINDS: readonly ZoneKind[] = ['playlist', 'ticker', 'queue', 'clock'];
const NUMBERS = ['x', 'y', 'width', 'height'] as const;
/** Fill of each kind in the preview (text on them is white, at least 4.5:1). */
const KIND_COLORS: Record<ZoneKind, string> = { playlist: '#1d4ed8', ticker: '#b45309', queue: '#047857', clock: '#7c3aed' };

export function kindLabel(t: Strings, kind: ZoneKind): string {
  return { playlist: t.kindPlaylist, ticker: t.kindTicker, queue: t.kindQueue, clock: t.kindClock }[kind];
}

function fromPreset(id: LayoutPresetId, services: string[]): Extract<LayoutChoice, { mode: 'edit' }> {
  const preset = layoutPreset(id);
  return { mode: 'edit', fields: fieldsOf(preset.make(services)), orientation: preset.orientation, preset: id };
}

export function LayoutPicker({ value, onChange, reading, services, onServices }: { value: LayoutChoice; onChange(choice: LayoutChoice): void; reading: LayoutReading | null; services: string; onServices(text: string): void }) {
  const { t, lang } = useStrings();
  const issues = reading && !reading.ok ? reading.issues : [];
  const errorOf = (field: string): string | undefined => {
    const found = issues.filter((issue) => issue.field === field);
    return found.length ? found.map((issue) => issue.message).join(t.listSeparator) : undefined;
  };
  const selected = value.mode === 'edit' ? (value.preset ?? 'custom') : value.mode;

  const choose = (option: string): void => {
    if (option === 'keep' || option === 'none') return onChange({ mode: option });
    if (option === 'custom') return onChange(value.mode === 'edit' ? { ...value, preset: null } : { ...fromPreset('plein-ecran', []), preset: null });
    const made = fromPreset(option as LayoutPresetId, servicesOf(services));
    // The names typed stay with the layout when another preset is picked.
    onChange(value.mode === 'edit' ? { ...made, fields: { ...made.fields, serviceNames: value.fields.serviceNames, counterNames: value.fields.counterNames } } : made);
  };
  const edit = (fields: LayoutFields): void => {
    if (value.mode === 'edit') onChange({ ...value, fields, preset: null });
  };
  const editZone = (index: number, change: Partial<ZoneFields>): void => {
    if (value.mode === 'edit') edit({ ...value.fields, zones: value.fields.zones.map((zone, k) => (k === index ? { ...zone, ...change } : zone)) });
  };
  const changeServices = (text: string): void => {
    onServices(text);
    // The queue zones of the layout follow the services typed here.
    if (value.mode === 'edit') onChange({ ...value, fields: { ...value.fields, zones: value.fields.zones.map((zone) => (zone.kind === 'queue' ? { ...zone, services: text } : zone)) } });
  };

  return (
    <section className="card" aria-labelledby="layout-title">
      <h2 id="layout-title">{t.layoutTitle}</h2>
      <div className="grid-form">
        <SelectField
          id="layout-choice"
          label={t.layoutChoice}
          value={selected}
          choices={[{ value: 'keep', label: t.layoutKeep }, { value: 'none', label: t.layoutNone }, ...LAYOUT_PRESETS.map((preset) => ({ value: preset.id, label: preset.label[lang] })), { value: 'custom', label: t.layoutCustom }]}
          onChange={choose}
        />
        <div className="field">
          <label htmlFor="layout-services">{t.layoutServices}</label>
          <input id="layout-services" value={services} onChange={(e) => changeServices(e.target.value)} placeholder="etat-civil, titres" aria-describedby="layout-services-help" />
          <p id="layout-services-help" className="help">
            {t.layoutServicesHelp}
          </p>
        </div>
      </div>
      {value.mode === 'edit' ? (
        <LayoutEditor value={value} edit={edit} editZone={editZone} errorOf={errorOf} onOrientation={(orientation) => onChange({ ...value, orientation })} />
      ) : (
        <p className="help" data-layout-mode={value.mode}>
          {value.mode === 'keep' ? t.layoutKeepHelp : t.layoutNoneHelp}
        </p>
      )}
      <div id="layout-errors" aria-live="polite">
        {issues.some((issue) => issue.field.startsWith('playlists') || issue.field === 'layout' || issue.field === 'layout-zones') ? (
          <IssueList issues={issues.filter((issue) => issue.field.startsWith('playlists') || issue.field === 'layout' || issue.field === 'layout-zones')} />
        ) : null}
        {reading?.ok ? (
          <p className="success" data-layout="valid">
            ✓ {t.layoutValid}
          </p>
        ) : null}
      </div>
    </section>
  );
}

function LayoutEditor({
  value,
  edit,
  editZone,
  errorOf,
  onOrientation,
}: {
  value: Extract<LayoutChoice, { mode: 'edit' }>;
  edit(fields: LayoutFields): void;
  editZone(index: number, change: Partial<ZoneFields>): void;
  errorOf(field: string): string | undefined;
  onOrientation(orientation: Orientation): void;
}) {
  const { t } = useStrings();
  const { fields } = value;
  const labelOf: Record<(typeof NUMBERS)[number], string> = { x: t.zoneX, y: t.zoneY, width: t.zoneWidth, height: t.zoneHeight };
  return (
    <>
      <div className="grid-form">
        <div className="field">
          <label htmlFor="layout-id">{t.layoutId}</label>
          <input id="layout-id" value={fields.id} onChange={(e) => edit({ ...fields, id: e.target.value })} aria-invalid={errorOf('layout-id') ? true : undefined} aria-describedby="layout-id-error" />
          <p id="layout-id-error" className="error" data-error-for="layout-id">
            {errorOf('layout-id')}
          </p>
        </div>
        <SelectField
          id="layout-orientation"
          label={t.layoutOrientation}
          value={value.orientation}
          choices={[
            { value: 'landscape', label: t.landscape },
            { value: 'portrait', label: t.portrait },
          ]}
          onChange={onOrientation}
        />
      </div>
      <div className="layout-editor">
        <div className="table-wrap">
          <table className="zones" data-table="zones">
            <caption>{t.zonesCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.zoneId}</th>
                {NUMBERS.map((name) => (
                  <th key={name} scope="col">
                    {labelOf[name]}
                  </th>
                ))}
                <th scope="col">{t.zoneKind}</th>
                <th scope="col">{t.zoneServices}</th>
                <th scope="col">
                  <span className="sr-only">{t.remove}</span>
                </th>
              </tr>
            </thead>
            {fields.zones.map((zone, i) => {
              const rowError = errorOf(`zone-${i}`);
              const cell = (name: 'id' | (typeof NUMBERS)[number] | 'services', label: string, numeric: boolean) => {
                const id = `zone-${i}-${name}`;
                const error = errorOf(id);
                return (
                  <td>
                    <input
                      id={id}
                      className={numeric ? 'number' : undefined}
                      inputMode={numeric ? 'decimal' : undefined}
                      value={zone[name]}
                      onChange={(e) => editZone(i, { [name]: e.target.value })}
                      aria-label={`${t.zone} ${i + 1} : ${label}`}
                      aria-invalid={error || rowError ? true : undefined}
                      aria-describedby={`${id}-error zone-${i}-error`}
                    />
                    <p id={`${id}-error`} className="error small" data-error-for={id}>
                      {error}
                    </p>
                  </td>
                );
              };
              return (
                <tbody key={i} data-zone-row={i}>
                  <tr>
                    {cell('id', t.zoneId, false)}
                    {NUMBERS.map((name) => cell(name, labelOf[name], true))}
                    <td>
                      <select id={`zone-${i}-kind`} value={zone.kind} onChange={(e) => editZone(i, { kind: e.target.value as ZoneKind })} aria-label={`${t.zone} ${i + 1} : ${t.zoneKind}`}>
                        {KINDS.map((kind) => (
                          <option key={kind} value={kind}>
                            {kindLabel(t, kind)}
                          </option>
                        ))}
                      </select>
                    </td>
                    {zone.kind === 'queue' ? cell('services', t.zoneServices, false) : <td />}
                    <td>
                      <button type="button" className="secondary" disabled={fields.zones.length <= 1} onClick={() => edit({ ...fields, zones: fields.zones.filter((_, k) => k !== i) })} aria-label={`${t.remove} ${t.zone} ${i + 1}`}>
                        ×
                      </button>
                    </td>
                  </tr>
                  <tr className="zone-row-error">
                    <td colSpan={8}>
                      <p id={`zone-${i}-error`} className="error small" data-error-for={`zone-${i}`}>
                        {rowError}
                      </p>
                    </td>
                  </tr>
                </tbody>
              );
            })}
          </table>
        </div>
        <LayoutPreview fields={fields} orientation={value.orientation} caption={t.layoutPreviewCaption} invalid={(i) => [`zone-${i}`, ...NUMBERS.map((n) => `zone-${i}-${n}`)].some((f) => errorOf(f) !== undefined)} />
      </div>
      <div className="buttons">
        <button type="button" className="secondary" disabled={fields.zones.length >= 16} onClick={() => edit({ ...fields, zones: [...fields.zones, newZone(fields)] })}>
          {t.addZone}
        </button>
      </div>
      <div className="grid-form">
        <NamesField id="layout-service-names" label={t.layoutServiceNames} help={t.layoutServiceNamesHelp} placeholder={'etat-civil = État civil\ntitres = Pièces d’identité'} value={fields.serviceNames} error={errorOf('layout-service-names')} onChange={(text) => edit({ ...fields, serviceNames: text })} />
        <NamesField id="layout-counter-names" label={t.layoutCounterNames} help={t.layoutCounterNamesHelp} placeholder={'3 = Box 3\naccueil = Accueil'} value={fields.counterNames} error={errorOf('layout-counter-names')} onChange={(text) => edit({ ...fields, counterNames: text })} />
      </div>
    </>
  );
}

/** Names by id, one a line (`id = name`), its errors under it. */
function NamesField({ id, label, help, placeholder, value, error, onChange }: { id: string; label: string; help: string; placeholder: string; value: string; error: string | undefined; onChange(text: string): void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} aria-invalid={error ? true : undefined} aria-describedby={`${id}-help ${id}-error`} />
      <p id={`${id}-help`} className="help">
        {help}
      </p>
      <p id={`${id}-error`} className="error" data-error-for={id}>
        {error}
      </p>
    </div>
  );
}

/** The zones to scale, in a 16:9 (or 9:16) frame; a zone with an error is drawn hatched in red. */
export function LayoutPreview({ fields, orientation, invalid, caption }: { fields: LayoutFields; orientation: Orientation; invalid(index: number): boolean; caption?: string | undefined }) {
  const { t } = useStrings();
  const [width, height] = orientation === 'portrait' ? [900, 1600] : [1600, 900];
  return (
    <figure className={`layout-preview layout-preview-${orientation}`}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t.layoutPreview} data-layout-preview={orientation}>
        <defs>
          <pattern id="zone-invalid" width="40" height="40" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="40" height="40" fill="#fee2e2" />
            <rect width="14" height="40" fill="#b91c1c" />
          </pattern>
        </defs>
        <rect x="0" y="0" width={width} height={height} fill="#e4e7eb" data-screen-frame />
        {fields.zones.map((zone, i) => {
          const box = boxOf(zone);
          if (!box) return null;
          const bad = invalid(i);
          const [x, y, w, h] = [(box.x / 100) * width, (box.y / 100) * height, (box.width / 100) * width, (box.height / 100) * height];
          const kind = kindLabel(t, zone.kind);
          // Two lines (id, kind) that fit the box, about 0.6 em a character; one line in a band (a ticker).
          const band = h < w / 5;
          const size = band ? Math.min(64, h * 0.55, (w * 0.9) / (0.6 * (zone.id.length + kind.length + 3))) : Math.min(64, h / 3.2, (w * 0.9) / (0.6 * Math.max(zone.id.length, kind.length, 1)));
          return (
            <g key={i} data-preview-zone={zone.id} data-invalid={bad ? 'yes' : 'no'}>
              <rect x={x} y={y} width={w} height={h} fill={bad ? 'url(#zone-invalid)' : KIND_COLORS[zone.kind]} fillOpacity={bad ? 0.85 : 1} stroke="#ffffff" strokeWidth="6" />
              <text x={x + w / 2} y={y + h / 2} textAnchor="middle" fontSize={size} fontWeight="700" fill={bad ? '#7f1d1d' : '#ffffff'}>
                {band ? (
                  <tspan dy="0.35em">
                    {zone.id} · <tspan fontWeight="400">{kind}</tspan>
                  </tspan>
                ) : (
                  <>
                    <tspan x={x + w / 2} dy="-0.15em">
                      {zone.id}
                    </tspan>
                    <tspan x={x + w / 2} dy="1.1em" fontWeight="400">
                      {kind}
                    </tspan>
                  </>
                )}
              </text>
            </g>
          );
        })}
      </svg>
      {caption ? <figcaption className="help">{caption}</figcaption> : null}
    </figure>
  );
}

