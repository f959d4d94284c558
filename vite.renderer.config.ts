import { mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { buildBundle } from './scripts/playlistBundle.js';

const root = import.meta.dirname;
const playlistsDir = join(root, 'playlists');
const outDir = join(root, 'dist/web');

/** Ships playlists/ with the web player, after checking every playlist and every file's digest. */
function bundledPlaylists(): Plugin {
  // Where the player is built (dist/web, or the folder given by --outDir).
  let builtDir = outDir;
  return {
    name: 'antichambre-bundled-playlists',
    apply: 'build',
    configResolved(config) {
      builtDir = resolve(config.root, config.build.outDir);
    },
    buildStart() {
      const { errors } = buildBundle(playlistsDir);
      if (errors.length > 0) this.error(`bundled playlists are invalid:\n  ${errors.join('\n  ')}`);
    },
    closeBundle() {
      const { index, files } = buildBundle(playlistsDir);
      for (const file of files) {
        const target = join(builtDir, 'playlists', file);
        mkdirSync(dirname(target), { recursive: true });
        if (file !== 'bundles.json') copyFileSync(join(playlistsDir, file), target);
      }
      writeFileSync(join(builtDir, 'playlists/bundles.json'), JSON.stringify(index, null, 2));
    },
  };
}

/**
 * Chunks split from the start's code but needed soon (the first item's QR code, the first
 * downloads of a fresh player): fetched and compiled beside the entry (modulepreload), evaluated
 * only when imported. Without this, an item with a QR code at start waited for its chunk's fetch.
 */
function preloadChunks(names: readonly string[]): Plugin {
  return {
    name: 'antichambre-preload-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((output) => output.type === 'chunk' && names.includes(output.name));
        if (chunks.length !== names.length) throw new Error(`chunks to preload: expected ${names.join(', ')}, found ${chunks.map((c) => c.name).join(', ') || 'none'}`);
        return chunks.map((chunk) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` }, injectTo: 'head' as const }));
      },
    },
  };
}

export default defineConfig({
  root: resolve(root, 'src/renderer'),
  base: './',
  publicDir: false,
  plugins: [react(), bundledPlaylists(), preloadChunks(['qrModules', 'download', 'bundleImport'])],
  // The player renders with Preact's React-compatible build (same components, same hooks): about
  // 15 KB to evaluate at each start instead of react-dom's 200 KB (see bench/startup.ts).
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
      { find: /^react$/, replacement: 'preact/compat' },
    ],
  },
  define: { __PLAYER_VERSION__: JSON.stringify(JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')).version) },
  build: { outDir, emptyOutDir: true, target: 'chrome120', assetsInlineLimit: 0 },
  preview: { port: 4173, host: '127.0.0.1' },
});
