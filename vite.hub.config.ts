import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The hub: one ES module for Node in dist/hub; its dependencies (better-sqlite3, socket.io, fastify) stay in node_modules. */
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/hub'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    ssr: resolve(import.meta.dirname, 'src/hub/hubMain.ts'),
    rolldownOptions: { output: { entryFileNames: 'hub.js' } },
  },
});
