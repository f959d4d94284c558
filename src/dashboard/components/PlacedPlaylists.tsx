import { useMemo } from 'react';
import { ScreenSet, type ScreenList } from '../../shared/adminApi.js';
import type { Playlist } from '../../shared/playlist.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { usePoll } from '../usePoll.js';
import { DataTable } from './DataTable.js';

/** How many screens' sets are read for the list (as the service names are: serviceNames.ts). */
const SCREENS_READ = 50;

/**
 * The playlists the hub sends its screens now, read from the screens' sets: each distinct playlist
 * (the same id with other content is listed apart) with the screens that play it, and a button that
 * takes it into the editor. The hub keeps sets per screen and site, not a library of playlists:
 * this is the page's way to find one again without knowing which screen has it.
 */
export function PlacedPlaylists({ api, screens, pushes, onEdit }: { api: HubApi; screens: ScreenList['screens']; pushes: number; onEdit(playlist: Playlist): void }) {
  const { t } = useStrings();
  const ids = screens.slice(0, SCREENS_READ).map((screen) => screen.id);
  const sets = usePoll(() => Promise.all(ids.map(async (id) => ({ id, set: await api.get(`/api/screens/${encodeURIComponent(id)}/playlists`, ScreenSet).catch(() => null) }))), null, [api, ids.join(' '), pushes]);
  const placed = useMemo(() => {
    const found = new Map<string, { playlist: Playlist; screens: string[] }>();
    for (const { id, set } of sets.data ?? []) {
      for (const playlist of set?.playlists ?? []) {
        const key = JSON.stringify(playlist);
        const entry = found.get(key) ?? { playlist, screens: [] };
        entry.screens.push(screens.find((screen) => screen.id === id)?.name ?? id);
        found.set(key, entry);
      }
    }
    return [...found.values()].sort((a, b) => a.playlist.id.localeCompare(b.playlist.id) || b.screens.length - a.screens.length);
  }, [sets.data, screens]);
  return (
    <section className="card" aria-labelledby="placed-title">
      <h2 id="placed-title">{t.placedTitle}</h2>
      <p className="help">{t.placedHelp(SCREENS_READ)}</p>
      <DataTable data-table="placed" caption={t.placedTitle} hiddenCaption columns={[t.colPlaylist, t.placedItems, t.placedScreens, { hidden: t.actionsColumn }]} empty={sets.data ? (placed.length === 0 ? t.placedNone : null) : t.loading}>
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
