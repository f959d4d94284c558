import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Three files at a time on two cores: most browser tests wait on a page clock, a socket or a file, not on the CPU.
    maxWorkers: 3,
    reporters: ['default', './test/support/slowestTestsReport.ts'],
  },
});
