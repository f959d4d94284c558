import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Runs a benchmark bundled as production code is (tsx adds a function-naming helper to
 * every closure, which would be measured too), in a plain Node process.
 */
export async function runBundled(entry: string, args: string[] = []): Promise<void> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'antichambre-bench-')), 'bench.mjs');
  await build({ entryPoints: [resolve(import.meta.dirname, '..', entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
  execFileSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
}
