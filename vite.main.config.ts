import { defineConfig } from 'vite';
import { electronEntry } from './vite.electron.js';

/** Electron's main process: Electron and Node's modules are left to the runtime. */
export default defineConfig(electronEntry('src/main/main.ts', 'main.cjs', { nodeBuiltins: true }));
