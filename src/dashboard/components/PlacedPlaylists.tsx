import { useMemo } from 'react';
import type { ScreenList, ScreenSet } from '../../shared/adminApi.js';
import type { Playlist } from '../../shared/playlist.js';
import { useStrings } from '../i18n.js';
import { DataTable } from './DataTable.js';

/** How many screens' sets the page reads for the list (as the service names are: serviceNames.ts). */
export const SCREENS_READ = 50;

/**
 * The playlists the hub sends its screens now, read from the screens' sets: each distinct playlist
 * (the same id with other content is listed apart) with the screens that play it, and a button that
 * takes it into the editor. The hub keeps sets per screen and site, not a library of playlists:
 * this is the page's way to find one again without knowing which screen has it.
 */
/** `sets`: the sets of the first SCREENS_READ screens, as the page read them (null: not yet). */
export function PlacedPlaylists({ sets, screens, onEdit }: { sets: readonly { id: string; set: ScreenSet | null }[] | null; screens: ScreenList['screens']; onEdit(playlist: Playlist): void }) {
  const { t } = useStrings();
  const placed = useMemo(() => {
    const found = new Map<string, { playlist: Playlist; screens: string[] }>();
    for (const { id, set } of sets ?? []) {
      for (const playlist of set?.playlists ?? []) {
        const key = JSON.stringify(playlist);
        const entry = found.get(key) ?? { playlist, screens: [] };
        entry.screens.push(screens.find((screen) => screen.id === id)?.name ?? id);
        found.set(key, entry);
      }
    }
    return [...found.values()].sort((a, b) => a.playlist.id.localeCompare(b.playlist.id) || b.screens.length - a.screens.length);
  }, [sets, screens]);
  return (
    <section className="card" aria-labelledby="placed-title">
      <h2 id="placed-title">{t.placedTitle}</h2>
      <p className="help">{t.placedHelp(SCREENS_READ)}</p>
      <DataTable data-table="placed" caption={t.placedTitle} hiddenCaption columns={[t.colPlaylist, t.placedItems, t.placedScreens, { hidden: t.actionsColumn }]} empty={sets ? (placed.length === 0 ? t.placedNone : null) : t.loading}>
        {placed.map(({ playlist, screens: where }, k) => (
          <tr key={k} data-placed={playlist.id}>
            <th scope="row">
              {playlist.name ?? playlist.id}
              {playlist.name ? <div className="small muted">{playlist.id}</div> : null}
            </th>
            <td>{playlist.items.length}</td>
            <td>{where.join(', ')}</td>
            <td>
              <button type="button" className="secondary" aria-label={t.placedEditNamed(playlist.name ?? playlist.id)} onClick={() => onEdit(playlist)}>
                {t.placedEdit}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
