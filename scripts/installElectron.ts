/**
 * `npm start` and `npm run dist`: Electron's binary, downloaded once by Electron's own installer
 * (node_modules/electron/install.js: nothing to do when it is there). When it cannot be fetched
 * (no internet, a proxy, a mirror down), the installer ends in a stack trace of its downloader;
 * this says instead what failed and what to do, in French then English, and stops before the build.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const installer = createRequire(import.meta.url).resolve('electron/install.js');
const run = spawnSync(process.execPath, [installer], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
if (run.status === 0) process.exit(0);

// The downloader's own words: the first line of its error (`TypeError: fetch failed`, `HTTPError: …404…`).
const reason = (run.stderr ?? '').split('\n').find((line) => /\S/.test(line) && !/^\s+at /.test(line))?.trim() ?? `exit ${String(run.status ?? run.signal)}`;
const mirror = process.env['ELECTRON_MIRROR'] ?? process.env['npm_config_electron_mirror'];
const source = mirror ? `ELECTRON_MIRROR (${mirror})` : 'github.com';
console.error(`antichambre: l’exécutable d’Electron n’a pas pu être téléchargé depuis ${source} (${reason}).
  npm start le télécharge une fois (environ 100 Mo) : il faut un accès à internet, ou un miroir
  (ELECTRON_MIRROR=https://…/ npm start), ou un proxy (ELECTRON_GET_USE_PROXY=true HTTPS_PROXY=http://…).
  Sans Electron, le lecteur web joue les mêmes listes : npm run preview, puis http://127.0.0.1:4173/

antichambre: Electron's binary could not be downloaded from ${source} (${reason}).
  npm start downloads it once (about 100 MB): it needs the internet, or a mirror
  (ELECTRON_MIRROR=https://…/ npm start), or a proxy (ELECTRON_GET_USE_PROXY=true HTTPS_PROXY=http://…).
  Without Electron, the web player plays the same playlists: npm run preview, then http://127.0.0.1:4173/`);
process.exit(1);
