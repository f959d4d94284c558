import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global setup: the whole run's temporary files under one folder, removed at its end.
 * Test files make theirs with `mkdtempSync(join(tmpdir(), …))` (hubs' databases, playlists,
 * media, PostgreSQL's data, Chromium's profiles) and most never removed them: a day of runs left
 * 3.5 GB in /tmp on a developer's machine. The test workers start after this and inherit TMPDIR,
 * which `os.tmpdir()`, Chromium and the child processes read.
 */
export default function setup(): () => void {
  const runDir = mkdtempSync(join(tmpdir(), 'antichambre-test-run-'));
  // PostgreSQL runs as its own user (test/support/postgresServer.ts): it must get through to its data folder.
  chmodSync(runDir, 0o755);
  process.env.TMPDIR = runDir;
  return () => {
    try {
      rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // A process still writing as the run ends: say so, never fail the run for it.
      console.warn(`[tests] temporary folder ${runDir} not removed: ${String(error)}`);
    }
  };
}
