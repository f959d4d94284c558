import type { ReactNode } from 'react';

/** A labelled control with its help and its error beside it, tied together for screen readers. */
export interface FieldControlProps {
  id: string;
  'aria-describedby': string;
  'aria-invalid': true | undefined;
}

export function Field({ id, label, help, error, children }: { id: string; label: string; help?: string; error?: string | undefined; children(props: FieldControlProps): ReactNode }) {
  const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      <p id={`${id}-error`} className="error" data-error-for={id}>
        {error}
      </p>
    </div>
  );
}

/** One option of a list or of radio buttons: what is stored, what is read. */
export interface Choice<T extends string = string> {
  value: T;
  label: string;
}

/** A labelled list to choose from (a site, a day, a period); a plain string is both value and label. */
export function SelectField<T extends string>({ id, label, value, choices, onChange }: { id: string; label: string; value: T; choices: readonly (Choice<NoInfer<T>> | NoInfer<T>)[]; onChange(value: NoInfer<T>): void }) {
  const options = choices.map((choice) => (typeof choice === 'string' ? { value: choice, label: choice } : choice));
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(options.find((option) => option.value === event.target.value)?.value ?? value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A choice among a few options, as radio buttons under one legend. */
export function RadioField<T extends string>({ name, legend, value, choices, onChange }: { name: string; legend: string; value: T; choices: readonly Choice<NoInfer<T>>[]; onChange(value: NoInfer<T>): void }) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="choice">
          <input type="radio" name={name} value={choice.value} checked={value === choice.value} onChange={() => onChange(choice.value)} /> {choice.label}
        </label>
      ))}
    </fieldset>
  );
}
