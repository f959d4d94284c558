import { benchReach } from './reach.js';
import { ResultFile } from './resultFile.js';

/** Run bundled in a plain Node process; the repository's root comes as the first argument (the bundle lives elsewhere). */
const root = process.argv[2];
if (!root) throw new Error('reachMain: pass the repository root as the first argument');
benchReach(new ResultFile(root));
