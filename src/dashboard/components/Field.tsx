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
