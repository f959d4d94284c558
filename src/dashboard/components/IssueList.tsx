import { useStrings } from '../i18n.js';

/** Problems each after the path it names (`items[2].sha256 : attendu : …`), with the page's separator; `data-*` attributes on the list. */
export function IssueList({ issues, ...attributes }: { issues: readonly { path: string; message: string }[] } & { [data: `data-${string}`]: string }) {
  const { t } = useStrings();
  return (
    <ul className="error" {...attributes}>
      {issues.map((issue, k) => (
        <li key={k} data-error-path={issue.path}>
          <code>{issue.path}</code>
          {t.colon}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}
