import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** VS Code-style layering: shared imports no upper layer; renderer, main, hub and dashboard never import each other. */
const src = resolve(import.meta.dirname, '../../src');
const LAYERS = ['shared', 'renderer', 'main', 'hub', 'dashboard'] as const;
const ALLOWED: Record<(typeof LAYERS)[number], string[]> = {
  shared: ['shared'],
  renderer: ['renderer', 'shared'],
  main: ['main', 'shared'],
  hub: ['hub', 'shared'],
  dashboard: ['dashboard', 'shared'],
};
const NODE_OR_BROWSER = /^(node:|electron$|fs$|path$|react|react-dom|dexie|socket\.io|better-sqlite3)/;

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(entry.name)) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

describe('layers', () => {
  for (const layer of LAYERS) {
    it(`${layer} imports only ${ALLOWED[layer].join(' and ')}`, () => {
      let files: string[] = [];
      try {
        files = sourceFiles(join(src, layer));
      } catch {
        return; // the layer does not exist yet
      }
      const violations: string[] = [];
      for (const file of files) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) {
            const target = relative(src, resolve(file, '..', spec)).split(/[\\/]/)[0]!;
            if (!ALLOWED[layer].includes(target)) violations.push(`${relative(src, file)} imports ${spec}`);
          } else if (layer === 'shared' && NODE_OR_BROWSER.test(spec)) {
            violations.push(`${relative(src, file)} imports ${spec} (shared must run anywhere)`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }
});
