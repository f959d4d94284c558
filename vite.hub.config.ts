import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The hub: ES modules for Node in dist/hub, `hub.js` (the CLI) and chunks it imports when needed (the
 * server, the stores, PostgreSQL, a news feed's reader); its dependencies (better-sqlite3, socket.io,
 * fastify) stay in node_modules.
 */
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
