import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import type { UserConfig } from 'vite';

/** An Electron entry (main or preload) bundled to one CommonJS file in dist/main. */
export function electronEntry(entry: string, fileName: string, options: { nodeBuiltins: boolean }): UserConfig {
  const external = ['electron', ...(options.nodeBuiltins ? [...builtinModules, ...builtinModules.map((m) => `node:${m}`)] : [])];
  return {
    build: {
      outDir: resolve(import.meta.dirname, 'dist/main'),
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      ssr: options.nodeBuiltins,
      lib: { entry: resolve(import.meta.dirname, entry), formats: ['cjs'], fileName: () => fileName },
      rolldownOptions: { external },
    },
    ...(options.nodeBuiltins ? { ssr: { noExternal: true } } : {}),
  };
}
