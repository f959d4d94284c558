import { useStrings } from '../i18n.js';

/**
 * Problems each after the path it names (`items[2].sha256 : attendu : …`), with the page's separator;
 * `data-*` attributes on the list. `onPath`: the path is a button that leads to its field.
 */
export function IssueList({ issues, onPath, ...attributes }: { issues: readonly { path: string; message: string }[]; onPath?: ((path: string) => void) | undefined } & { [data: `data-${string}`]: string }) {
  const { t } = useStrings();
  return (
    <ul className="error" {...attributes}>
      {issues.map((issue, k) => (
        <li key={k} data-error-path={issue.path}>
          {onPath ? (
            <button type="button" className="link" aria-label={t.goToField(issue.path)} onClick={() => onPath(issue.path)}>
              <code>{issue.path}</code>
            </button>
          ) : (
            <code>{issue.path}</code>
          )}
          {t.colon}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}
