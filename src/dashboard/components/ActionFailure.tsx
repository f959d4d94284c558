import { useCallback, useState } from 'react';
import { useStrings } from '../i18n.js';
import { failureText } from '../schemaMessages.js';

/**
 * What a button does that can fail (a clear, a revoke, an export): its failure is kept and shown
 * on the page, in words, never only in the console. `run` clears the last failure first.
 */
export function useAction(): { run(work: () => Promise<void>): Promise<void>; failure: string | null } {
  const { lang } = useStrings();
  const [failure, setFailure] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<void>): Promise<void> => {
    setFailure(null);
    try {
      await work();
    } catch (error) {
      setFailure(failureText(lang, error));
    }
  }, [lang]);
  return { run, failure };
}

/** The last failure of a page's actions, read out by screen readers as it appears. */
export function ActionFailure({ failure }: { failure: string | null }) {
  return failure ? (
    <p className="error" role="alert" data-action-failure="">
      {failure}
    </p>
  ) : null;
}
