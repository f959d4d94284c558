/** npm run bench:readme: writes the README's figures table from the latest results in bench/results/ (stale ones marked). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figuresTable, replaceBetweenMarkers } from '../bench/readmeFigures.js';
import { REPO_ROOT, RESULTS_DIR } from '../bench/resultFile.js';

const readmePath = join(REPO_ROOT, 'README.md');
try {
  const table = figuresTable(REPO_ROOT, RESULTS_DIR);
  writeFileSync(readmePath, replaceBetweenMarkers(readFileSync(readmePath, 'utf8'), table, readmePath));
  console.log(table);
} catch (error) {
  console.error(`bench:readme: ${(error as Error).message}`);
  process.exitCode = 1;
}
