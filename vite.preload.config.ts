import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The sandboxed preload may only require('electron'): everything else is bundled into one CommonJS file. */
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/main'),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    lib: { entry: resolve(import.meta.dirname, 'src/main/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rolldownOptions: { external: ['electron'] },
  },
});
