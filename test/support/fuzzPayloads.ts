import fc from 'fast-check';

/** The seed of property tests: fixed on CI (reproducible), new each local run unless PROPERTY_SEED says. */
export const PROPERTY_SEED = Number(process.env.PROPERTY_SEED ?? (process.env.CI ? 20261130 : Date.now() % 2 ** 31));

/** A valid payload with one field (at any depth) replaced by something random, or removed. */
export function mutated(valid: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.anything(), fc.boolean()).map(([pick, value, remove]) => {
    const payload = valid();
    const paths: (string | number)[][] = [];
    const walk = (node: unknown, path: (string | number)[]): void => {
      if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) {
        const here = [...path, Array.isArray(node) ? Number(key) : key];
        paths.push(here);
        walk(child, here);
      }
    };
    walk(payload, []);
    const path = paths[pick % paths.length]!;
    let parent: Record<string | number, unknown> = payload;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    if (remove) delete parent[path.at(-1)!];
    else parent[path.at(-1)!] = value;
    return payload;
  });
}
