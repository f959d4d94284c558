import { createHash } from 'node:crypto';
import { mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { build, defineConfig, type Plugin, type Rolldown } from 'vite';
import { buildBundle } from './scripts/playlistBundle.js';
import { BUNDLE_FILES_META, FRESH_FRAME_META, type BundleFilesAhead } from './src/shared/startMedia.js';

const root = import.meta.dirname;
const playlistsDir = join(root, 'playlists');
const outDir = join(root, 'dist/web');

/** An attribute's value in the page's HTML. */
const attributeText = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Ships playlists/ with the web player, after checking every playlist and every file's digest; and
 * lists each bundle's files in the page's head (BUNDLE_FILES_META, before the start frame script),
 * for a fresh start to ask for them before the player's code runs (startFrame.ts).
 */
function bundledPlaylists(): Plugin {
  // Where the player is built (dist/web, or the folder given by --outDir).
  let builtDir = outDir;
  let listed: BundleFilesAhead | null = null;
  return {
    name: 'antichambre-bundled-playlists',
    apply: 'build',
    configResolved(config) {
      builtDir = resolve(config.root, config.build.outDir);
    },
    buildStart() {
      const { errors, index } = buildBundle(playlistsDir);
      if (errors.length > 0) this.error(`bundled playlists are invalid:\n  ${errors.join('\n  ')}`);
      listed = { default: index.default, bundles: index.bundles.map(({ id, playlists, layout, portraitLayout, power }) => ({ id, playlists, layout, portraitLayout, power })) };
    },
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        if (!listed) throw new Error('bundled playlists: the page is written before they were read');
        if (!html.includes(START_FRAME_SLOT)) throw new Error(`index.html: ${START_FRAME_SLOT} missing (where the bundle's files are listed, before the start frame script)`);
        return html.replace(START_FRAME_SLOT, `<meta name="${BUNDLE_FILES_META}" content="${attributeText(JSON.stringify(listed))}" />\n    ${START_FRAME_SLOT}`);
      },
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

/** Where index.html asks for the start frame script (after the content security policy, before anything else). */
const START_FRAME_SLOT = '<!-- start-frame -->';

/**
 * The start frame (src/renderer/startFrame.ts): a classic script of its own, built apart (one
 * file, no imports), named by its content's digest and asked for by the page's head where
 * index.html says. A module script would run only once the document is parsed and the player's
 * whole code fetched; this one runs as soon as it is there, so that the first frame is painted
 * before that code runs. `async`: it does not hold the parser while it is fetched (a fresh
 * profile's first fetch took 20 to 65 ms, and every other request waited); should the player's
 * code run first all the same, the script does nothing (startFrame.ts).
 */
function startFrameScript(): Plugin {
  let fileName = '';
  return {
    name: 'antichambre-start-frame',
    apply: 'build',
    async buildStart() {
      const built = await build({
        configFile: false,
        logLevel: 'warn',
        root,
        build: {
          write: false,
          target: 'chrome120',
          minify: true,
          lib: { entry: resolve(root, 'src/renderer/startFrame.ts'), formats: ['iife'], name: 'antichambreStartFrame', fileName: () => 'startFrame.js' },
        },
      });
      const outputs = (Array.isArray(built) ? built : [built]) as Rolldown.RolldownOutput[];
      const chunks = outputs.flatMap((output) => output.output).filter((file): file is Rolldown.OutputChunk => file.type === 'chunk');
      if (chunks.length !== 1) this.error(`start frame script: expected one file, built ${chunks.length}`);
      const code = chunks[0]!.code;
      fileName = `assets/startFrame-${createHash('sha256').update(code).digest('base64url').slice(0, 8)}.js`;
      this.emitFile({ type: 'asset', fileName, source: code });
    },
    transformIndexHtml: {
      // After Vite's own pass over the page, which would warn that a classic script cannot be bundled.
      order: 'post',
      handler(html, ctx) {
        if (!html.includes(START_FRAME_SLOT)) throw new Error(`index.html: ${START_FRAME_SLOT} missing (where the start frame script goes)`);
        const fresh = Object.values(ctx.bundle ?? {}).find((output) => output.type === 'chunk' && output.isEntry && output.name === FRESH_FRAME_ENTRY);
        if (!fresh) throw new Error(`the fresh start frame's entry (${FRESH_FRAME_ENTRY}) was not built`);
        return html.replace(START_FRAME_SLOT, `<meta name="${FRESH_FRAME_META}" content="./${fresh.fileName}" />\n    <script async src="./${fileName}"></script>`);
      },
    },
  };
}

/**
 * The fresh start frame (src/renderer/freshFrame.ts): an entry of the player's build beside the
 * page's, so that the code it shares with the player (the schemas, the engine, the bundle's
 * import) is in chunks both import, fetched and evaluated once. The page's head names it for the
 * start frame script (a meta element, FRESH_FRAME_META, before that script), which loads it only
 * on a fresh start.
 */
const FRESH_FRAME_ENTRY = 'freshFrame';

export default defineConfig({
  root: resolve(root, 'src/renderer'),
  base: './',
  publicDir: false,
  plugins: [react(), bundledPlaylists(), startFrameScript(), preloadChunks(['qrModules', 'download', 'bundleImport'])],
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
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome120',
    assetsInlineLimit: 0,
    rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html'), [FRESH_FRAME_ENTRY]: resolve(root, 'src/renderer/freshFrame.ts') } },
  },
  preview: { port: 4173, host: '127.0.0.1' },
});
