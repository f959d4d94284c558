import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Electron's main process: one CommonJS file, Electron and Node's modules left to the runtime. */
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/main'),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    ssr: true,
    lib: { entry: resolve(import.meta.dirname, 'src/main/main.ts'), formats: ['cjs'], fileName: () => 'main.cjs' },
    rolldownOptions: { external: ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)] },
  },
  ssr: { noExternal: true },
});
