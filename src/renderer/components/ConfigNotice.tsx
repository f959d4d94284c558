import { strings } from '../i18n.js';

/**
 * A configuration file or value that is wrong, named on screen for the IT person (which file,
 * which field, why), in French then English whatever the screen's language, while the player
 * goes on with the valid settings. What to fix: the kiosk's settings file, or the web player's
 * page address (its settings: configSource.ts).
 */
export function ConfigNotice({ errors }: { errors: readonly string[] }) {
  const fr = strings('fr');
  const en = strings('en');
  const help = window.antichambre ? 'configErrorHelp' : 'configErrorHelpAddress';
  return (
    <div className="notice" role="alert" data-config-error="">
      <strong>
        {fr.configError} · <span lang="en">{en.configError}</span>
      </strong>
      <ul>
        {errors.map((error) => (
          <li key={error}>{error}</li>
        ))}
      </ul>
      <div>{fr[help]}</div>
      <div lang="en">{en[help]}</div>
    </div>
  );
}
