// The page's entry, small: the database opens and the first files are read ahead (storageWarmup),
// the bundled playlists' index is asked for, while the player's code, fetched beside it
// (modulepreload), is still arriving and compiling.
import { releaseEarlyMedia } from './storageWarmup.js';
import { fetchBundleIndexEarly } from './bundleIndexFetch.js';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './styles.css';

const RETRY_START_MS = 10_000;

fetchBundleIndexEarly(new URL('./', window.location.href).href);

import('./player.js')
  .then(({ boot }) => boot())
  .catch((error: unknown) => {
    // Its code did not load (the web player's server went away mid-start) or did not start: tried again, never left blank.
    releaseEarlyMedia();
    console.error(`[antichambre] the player did not start (trying again in ${RETRY_START_MS / 1000} s):`, error);
    setTimeout(() => window.location.reload(), RETRY_START_MS);
  });
