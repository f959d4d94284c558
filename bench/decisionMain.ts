import { ResultFile } from './resultFile.js';
import { benchDecision, benchZoneDecision } from './decision.js';

/** Run bundled in a plain Node process; the repository's root comes as the first argument (the bundle lives elsewhere). */
const root = process.argv[2];
if (!root) throw new Error('decisionMain: pass the repository root as the first argument');
const results = new ResultFile(root);
benchDecision(results);
benchZoneDecision(results);
