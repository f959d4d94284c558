import { defineConfig } from 'vite';
import { electronEntry } from './vite.electron.js';

/** Electron's main process: Electron and Node's modules are left to the runtime. */
// The release public key (PEM) kiosks verify updates with (src/main/releaseSignature.ts); absent: updates refused.
export default defineConfig({
  ...electronEntry('src/main/main.ts', 'main.cjs', { nodeBuiltins: true }),
  define: { __RELEASE_PUBLIC_KEY__: JSON.stringify(process.env['ANTICHAMBRE_RELEASE_PUBLIC_KEY'] ?? '') },
});
