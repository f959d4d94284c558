import type { LintFinding } from '../../shared/contentLint.js';
import type { Playlist } from '../../shared/playlist.js';
import { useStrings } from '../i18n.js';

/**
 * The content lint beside each item of the playlists being edited: every item listed, with its
 * findings (rule, field path, message in the dashboard's language) next to it.
 */
export function LintPanel({ playlists, findings, single }: { playlists: Playlist[]; findings: LintFinding[]; single: boolean }) {
  const { t, lang } = useStrings();
  const errors = findings.filter((f) => f.severity === 'error').length;
  const prefix = (p: number, i: number): string => `${single ? '' : `[${p}].`}items[${i}]`;
  return (
    <section className="card" aria-labelledby="lint-title" data-lint="">
      <h2 id="lint-title">{t.lintTitle}</h2>
      <p className="help">{t.lintHelp}</p>
      <p data-lint-summary="">
        {findings.length - errors} {t.lintWarnings}, {errors} {t.lintErrors}
      </p>
      {playlists.map((playlist, p) => (
        <ul key={playlist.id} className="lint-items" aria-label={playlist.name ?? playlist.id}>
          {playlist.items.map((item, i) => {
            const at = prefix(p, i);
            const own = findings.filter((f) => f.path === at || f.path.startsWith(`${at}.`));
            return (
              <li key={item.id} data-lint-item={`${playlist.id}/${item.id}`} className="lint-item">
                <span className="lint-item-name">
                  <code>{playlist.id}/{item.id}</code> ({item.type})
                </span>
                {own.length === 0 ? (
                  <span className="success lint-ok">✓ {t.lintOk}</span>
                ) : (
                  <ul className="lint-findings">
                    {own.map((f, k) => (
                      <li key={k} className={f.severity === 'error' ? 'error' : 'warning'} data-lint-rule={f.rule} data-lint-path={f.path} data-lint-severity={f.severity} data-lint-screen={f.screen}>
                        <strong>{f.severity === 'error' ? t.lintError : t.lintWarning}</strong> <code>{f.path}</code>
                        {f.screen ? ` (${t.targetScreen} ${f.screen})` : ''} : {f.message[lang]}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      ))}
    </section>
  );
}
