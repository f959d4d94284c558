import { defineConfig } from 'vite';
import { electronEntry } from './vite.electron.js';

/** The sandboxed preload may only require('electron'): everything else is bundled in. */
export default defineConfig(electronEntry('src/main/preload.ts', 'preload.cjs', { nodeBuiltins: false }));
