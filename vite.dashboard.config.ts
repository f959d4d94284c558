import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The admin dashboard: a static page in dist/dashboard that the hub serves at `/` (same origin as its API). */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/dashboard'),
  base: '/',
  publicDir: false,
  plugins: [react()],
  build: { outDir: resolve(import.meta.dirname, 'dist/dashboard'), emptyOutDir: true, target: 'chrome120' },
});
