import { describe, expect, it } from 'vitest';
import { slowestLines } from '../support/slowestTestsReport.js';

describe('the slowest tests report', () => {
  it('lists the slowest first, at most the count asked, in seconds', () => {
    const timed = Array.from({ length: 14 }, (_, k) => ({ name: `t${k}`, ms: ((k * 5) % 14) * 1000 + 100 }));
    const lines = slowestLines(timed);
    expect(lines).toHaveLength(10);
    expect(lines.slice(0, 3)).toEqual(['   13.1 s  t11', '   12.1 s  t8', '   11.1 s  t5']);
    expect(lines.at(-1)).toBe('    4.1 s  t12');
    expect(slowestLines(timed.slice(0, 2), 10)).toEqual(['    5.1 s  t1', '    0.1 s  t0']);
  });
});
