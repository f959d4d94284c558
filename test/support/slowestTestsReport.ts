import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** A vitest reporter that prints, at the end of a run, the ten slowest tests and files (the suite's time goes there). */

export interface Timed {
  name: string;
  ms: number;
}

/** The `count` slowest, slowest first, one line each: `  123.4 s  name`. */
export function slowestLines(timed: readonly Timed[], count = 10): string[] {
  return [...timed]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((t) => `${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name}`);
}

export default class SlowestTestsReport implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const tests: Timed[] = [];
    const files: Timed[] = [];
    for (const module of modules) {
      const file = relative(process.cwd(), module.moduleId);
      files.push({ name: file, ms: module.diagnostic().duration });
      for (const test of module.children.allTests()) {
        const duration = test.diagnostic()?.duration;
        if (duration !== undefined) tests.push({ name: `${file} > ${test.fullName}`, ms: duration });
      }
    }
    if (tests.length < 2) return;
    console.log(`\nSlowest tests:\n${slowestLines(tests).join('\n')}\nSlowest files:\n${slowestLines(files).join('\n')}\n`);
  }
}
