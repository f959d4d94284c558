import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Three files at a time on two cores: most browser tests wait on a page clock, a socket or a file, not on the CPU.
    maxWorkers: 3,
    // Modules are imported once per worker, not once per file: the suite spent 128 s of its CPU
    // importing them again (vite's transform, zod's schemas, playwright) on a machine it keeps busy.
    // Each file still runs its own module; what the files share (test/support, src) keeps no
    // state between them, and the suite passes in either mode (`--isolate` brings it back).
    isolate: false,
    reporters: ['default', './test/support/slowestTestsReport.ts'],
  },
});
