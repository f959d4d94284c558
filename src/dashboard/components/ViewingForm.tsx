import { useEffect, useState, type FormEvent } from 'react';
import { ScreenViewingRequest, type ScreenState } from '../../shared/adminApi.js';
import { ScreenViewing } from '../../shared/contentLint.js';
import { formatPath } from '../../shared/validationError.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { Field } from './Field.js';
import { failureText, schemaMessage, zodErrorsIn } from '../schemaMessages.js';

/** A screen's size and farthest reading distance: the playlist editor then checks character height for it. */
export function ViewingForm({ api, screen, onSaved }: { api: HubApi; screen: ScreenState; onSaved: () => void }) {
  const { t, lang } = useStrings();
  const [diagonal, setDiagonal] = useState(screen.viewing ? String(screen.viewing.diagonalInches) : '');
  const [distance, setDistance] = useState(screen.viewing ? String(screen.viewing.distanceM) : '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    setDiagonal(screen.viewing ? String(screen.viewing.diagonalInches) : '');
    setDistance(screen.viewing ? String(screen.viewing.distanceM) : '');
  }, [screen.id, screen.viewing?.diagonalInches, screen.viewing?.distanceM]);

  const save = async (viewing: ScreenViewing | null): Promise<void> => {
    setNote(null);
    try {
      await api.send('PUT', `/api/screens/${encodeURIComponent(screen.id)}/viewing`, { viewing }, ScreenViewingRequest);
      setNote(t.viewingSaved);
      onSaved();
    } catch (failure) {
      setErrors({ diagonalInches: failureText(lang, failure) });
    }
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const number = (text: string) => (text.trim() === '' ? undefined : Number(text.replace(',', '.')));
    const viewing = ScreenViewing.safeParse({ diagonalInches: number(diagonal), distanceM: number(distance) }, zodErrorsIn(lang));
    if (!viewing.success) {
      const found: Record<string, string> = {};
      for (const issue of viewing.error.issues) found[formatPath(issue.path)] ??= schemaMessage(lang, issue.message);
      setErrors(found);
      return;
    }
    setErrors({});
    void save(viewing.data);
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate data-viewing-form="">
      <Field id="viewing-diagonal" label={t.viewingDiagonal} error={errors['diagonalInches']}>
        {(props) => <input {...props} inputMode="decimal" value={diagonal} onChange={(e) => setDiagonal(e.target.value)} />}
      </Field>
      <Field id="viewing-distance" label={t.viewingDistance} error={errors['distanceM']}>
        {(props) => <input {...props} inputMode="decimal" value={distance} onChange={(e) => setDistance(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit">{t.viewingSave}</button>
      </div>
      {/* aria-live rather than role=status: the page's commands keep the page's one status region. */}
      <p className="success" aria-live="polite" data-viewing-note="">
        {note}
      </p>
    </form>
  );
}
