import type { ScreenState, Target } from '../../shared/adminApi.js';
import { useStrings } from '../i18n.js';

/** A site or one screen, among those the hub knows. */
export interface TargetChoice {
  kind: 'site' | 'screen';
  id: string;
}

function optionsOf(kind: TargetChoice['kind'], screens: readonly ScreenState[]): { id: string; label: string }[] {
  return kind === 'site' ? [...new Set(screens.map((s) => s.site))].map((site) => ({ id: site, label: site })) : screens.map((s) => ({ id: s.id, label: `${s.name} (${s.id})` }));
}

/** The target the picker shows: the one chosen, or the first one listed. */
export function chosenTarget(choice: TargetChoice, screens: readonly ScreenState[]): Target | null {
  const id = choice.id || optionsOf(choice.kind, screens)[0]?.id;
  if (!id) return null;
  return choice.kind === 'site' ? { site: id } : { screen: id };
}

export function TargetPicker({ idPrefix, screens, value, onChange, error }: { idPrefix: string; screens: readonly ScreenState[]; value: TargetChoice; onChange(choice: TargetChoice): void; error?: string | undefined }) {
  const { t } = useStrings();
  const options = optionsOf(value.kind, screens);
  const selected = value.id || options[0]?.id || '';
  return (
    <fieldset className="field">
      <legend>{t.target}</legend>
      <div className="inline">
        <label className="choice">
          <input type="radio" name={`${idPrefix}-target-kind`} checked={value.kind === 'site'} onChange={() => onChange({ kind: 'site', id: '' })} /> {t.targetSite}
        </label>
        <label className="choice">
          <input type="radio" name={`${idPrefix}-target-kind`} checked={value.kind === 'screen'} onChange={() => onChange({ kind: 'screen', id: '' })} /> {t.targetScreen}
        </label>
        <label htmlFor={`${idPrefix}-target`} className="sr-only">
          {value.kind === 'site' ? t.targetSite : t.targetScreen}
        </label>
        <select id={`${idPrefix}-target`} value={selected} onChange={(e) => onChange({ ...value, id: e.target.value })} aria-describedby={`${idPrefix}-target-error`} aria-invalid={error ? true : undefined}>
          {options.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <p id={`${idPrefix}-target-error`} className="error">
        {error}
      </p>
    </fieldset>
  );
}
