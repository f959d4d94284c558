import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what the page, the hub or a socket does next: 1 s (vitest's default) is
    // too short on a busy CI machine (a dashboard's answer took longer there once), 10 s is not.
    // A poll that passes returns at once: only a failing test waits the whole time.
    expect: { poll: { timeout: 10_000 } },
    // Three files at a time on two cores: most browser tests wait on a page clock, a socket or a file, not on the CPU.
    maxWorkers: 3,
    // Modules are imported once per worker, not once per file: the suite spent 128 s of its CPU
    // importing them again (vite's transform, zod's schemas, playwright) on a machine it keeps busy.
    // Each file still runs its own module. What files share (test/support, src) keeps no state
    // between them but one: a worker's files share its Chromium (test/support/suite.ts), each in
    // contexts of its own, closed at the file's end. The suite passes with its files in a random
    // order (`--sequence.shuffle.files`), and `--isolate` brings isolation back. The one module mock (electron, preloadBridge) is of a
    // module no other test imports. (Shuffling the tests inside a file is another matter: a file's
    // tests share its hub and run in order.)
    isolate: false,
    reporters: ['default', './test/support/slowestTestsReport.ts'],
    // Every temporary file of the run in one folder, removed at its end (runTmpDir.ts).
    globalSetup: ['./test/support/runTmpDir.ts'],
  },
});
