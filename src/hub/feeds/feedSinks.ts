import type { Alert } from '../../shared/protocol.js';
import type { Playlist } from '../../shared/playlist.js';
import type { ScreenChannel } from '../screenChannel.js';
import { toAlert } from '../stores/alertMessage.js';
import type { HubStores } from '../stores/index.js';
import type { FeedSinks } from './feedPoller.js';

/**
 * Where the feeds' output goes in a running hub: alerts through the alert store to the site's
 * screens (as an admin's would), news playlists through a push to the site (checked against
 * its screens' layouts like any push) and on to the screens whose set changed.
 */
export function hubFeedSinks(stores: HubStores, channel: ScreenChannel, log: (line: string) => void): FeedSinks {
  return {
    async showAlert(site: string, alert: Alert) {
      const record = await stores.alerts.create({ ...alert, target: { site } }, Date.now());
      channel.alert(toAlert(record), await stores.screens.idsOf({ site }));
    },
    async endAlert(id: string) {
      const record = await stores.alerts.get(id);
      if (!record || record.clearedAt !== null) return;
      await stores.alerts.clear(id, Date.now());
      channel.clearAlert({ id }, await stores.screens.idsOf(record.target));
    },
    async publishPlaylist(site: string, playlist: Playlist) {
      const { screens } = await stores.playlists.push({ playlists: [playlist], target: { site } });
      await channel.pushSets(screens);
    },
    log,
  };
}
