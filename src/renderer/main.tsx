// The page's entry. First, while the rest of the code is evaluated: the database opens, the files
// the first frame will likely show are read ahead (storageWarmup), the bundled playlists' index is
// asked for (bundleIndexFetch). A tiny entry that imported the player after these ran them sooner,
// but the player's code, compiled only when imported, then started 70 to 90 ms later: measured
// (bench/startup.ts, both builds in the same runs), not kept.
import './storageWarmup.js';
import './bundleIndexFetch.js';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './styles.css';
import { boot } from './player.js';

void boot();
