/**
 * Makes the bundled media (npm run media): slides rendered by headless Chromium, a short
 * silent video with Debian's ffmpeg and its French captions; then writes every file's
 * sha256 and size into the playlists that reference it. Needs chromium and ffmpeg.
 * `npm run media -- --slides-only`: the slides only; `--digests-only`: the digests only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { listPlaylistFiles, sha256File } from './playlistBundle.js';
import { slideHtml, slides } from './slides.js';

const root = resolve(import.meta.dirname, '..');
const mediaDir = join(root, 'playlists/media');
const fontDir = join(root, 'node_modules/@fontsource/atkinson-hyperlegible/files');

async function renderSlides(): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  for (const slide of slides) {
    const htmlPath = join(tmpdir(), `antichambre-${slide.file}.html`);
    writeFileSync(htmlPath, slideHtml(slide, fontDir));
    await page.goto(`file://${htmlPath}`);
    await page.evaluate(() => document.fonts.ready);
    // Text sized for the room (capitals of 45 px, 31.5 px once the town hall's carousel zone scales it to 70 %) must still fit the slide.
    const overflow = await page.evaluate(() => {
      const wrap = document.querySelector('.wrap')!;
      return wrap.scrollHeight - wrap.clientHeight;
    });
    if (overflow > 0) throw new Error(`${slide.file}: its text is ${overflow} px taller than the slide; shorten it`);
    await page.screenshot({ path: join(mediaDir, slide.file) });
  }
  await browser.close();
  // Re-encode as palette PNGs: same look, a fraction of the size.
  for (const slide of slides) {
    const path = join(mediaDir, slide.file);
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', path, '-vf', 'split[a][b];[a]palettegen=max_colors=64[p];[b][p]paletteuse=dither=none', `${path}.tmp.png`]);
    execFileSync('mv', [`${path}.tmp.png`, path]);
  }
}

const steps = [
  { from: 0, to: 4, text: 'Mouillez vos mains' },
  { from: 4, to: 8, text: 'Savonnez pendant 30 secondes' },
  { from: 8, to: 12, text: 'Frottez entre les doigts et les ongles' },
  { from: 12, to: 16, text: 'Rincez et séchez avec une serviette propre' },
];

function makeVideo(): void {
  const ttf = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
  const filters = [
    `drawbox=x=0:y=0:w=24:h=ih:color=0x7ee0a1:t=fill`,
    `drawtext=fontfile=${ttf}:text='Hygiène des mains':fontcolor=0x7ee0a1:fontsize=54:x=90:y=70`,
    ...steps.map((s, i) => `drawtext=fontfile=${ttf}:text='${i + 1}':fontcolor=white:fontsize=300:x=(w-text_w)/2:y=(h-text_h)/2-20:enable='between(t,${s.from},${s.to})'`),
    `drawbox=x=90:y=ih-90:w='(iw-180)*mod(t,4)/4':h=18:color=0x7ee0a1:t=fill`,
  ];
  execFileSync('ffmpeg', [
    '-y', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'color=c=0x0b1f3a:s=1280x720:r=25:d=16',
    '-vf', filters.join(','),
    '-c:v', 'libvpx-vp9', '-b:v', '150k', '-deadline', 'good', '-row-mt', '1', '-an',
    join(mediaDir, 'hygiene-mains.webm'),
  ]);
  const stamp = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`;
  const vtt = ['WEBVTT', '', ...steps.flatMap((s, i) => [`${i + 1}`, `${stamp(s.from)} --> ${stamp(s.to)}`, `${i + 1}. ${s.text}`, ''])].join('\n');
  writeFileSync(join(mediaDir, 'hygiene-mains.fr.vtt'), vtt);
}

/** Every relative file named by a playlist gets its current sha256 and size. */
export function writeDigests(): void {
  for (const file of listPlaylistFiles(join(root, 'playlists'))) {
    const playlist = JSON.parse(readFileSync(file, 'utf8')) as { items: { src?: string; sha256?: string; bytes?: number; captions?: { src: string; sha256?: string; bytes?: number }[] }[] };
    const fill = (entry: { src?: string; sha256?: string; bytes?: number }) => {
      if (!entry.src || /^https?:/i.test(entry.src)) return;
      const path = join(dirname(file), entry.src);
      entry.sha256 = sha256File(path);
      entry.bytes = statSync(path).size;
    };
    for (const item of playlist.items) {
      fill(item);
      for (const caption of item.captions ?? []) fill(caption);
    }
    writeFileSync(file, `${JSON.stringify(playlist, null, 2)}\n`);
  }
}

mkdirSync(mediaDir, { recursive: true });
// `--digests-only`: the digests alone; `--slides-only`: the slides again, not the video (its bytes stay those the playlists name).
if (!process.argv.includes('--digests-only')) {
  await renderSlides();
  if (!process.argv.includes('--slides-only')) makeVideo();
}
writeDigests();
for (const file of listPlaylistFiles(join(root, 'playlists'))) console.log(file);
