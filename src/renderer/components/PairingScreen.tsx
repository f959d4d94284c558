import { useSyncExternalStore } from 'react';
import { PAIRING_RETRY_MS, type PairingCodeShown } from '../screenPairing.js';

/** The code a new screen shows until an admin types it in the dashboard: large, French first, then English. */
export function PairingScreen({ shown, hubUrl }: { shown: PairingCodeShown; hubUrl: string }) {
  const { code, problem } = useSyncExternalStore(shown.subscribe, shown.current);
  return (
    <div className="pairing" data-pairing-code={code ?? ''}>
      <p className="pairing-title">Code d’appairage</p>
      <p className="pairing-title-en" lang="en">
        Pairing code
      </p>
      <p className="pairing-code" aria-label={code ? code.split('').join(' ') : undefined}>
        {/* In two halves for the eye, with no space in its text: the code is its 6 characters (§3). */}
        {code ? (
          <>
            <span>{code.slice(0, 3)}</span>
            <span className="pairing-code-half">{code.slice(3)}</span>
          </>
        ) : (
          '… …'
        )}
      </p>
      {problem ? (
        <p className="pairing-problem" role="status" data-pairing-problem={problem}>
          Le hub ne donne pas de code ({problem}) : nouvel essai dans {PAIRING_RETRY_MS / 1000} s.{' '}
          <span lang="en">
            The hub gives no code ({problem}): trying again in {PAIRING_RETRY_MS / 1000} s.
          </span>
        </p>
      ) : null}
      <p className="pairing-help">Saisissez ce code dans le tableau de bord du hub ({hubUrl}), page Écrans.</p>
      <p className="pairing-help-en" lang="en">
        Type this code in the hub’s dashboard, Screens page.
      </p>
    </div>
  );
}
