import { domToCanvas } from 'modern-screenshot';
import { SCREENSHOT_MAX_BASE64 } from '../shared/protocol.js';
import { fittingPng } from '../shared/screenshotFit.js';
import { dataUrlOf } from './blobDataUrl.js';

/**
 * The `screenshot` command on the web player, where no Electron can capture the window: the page
 * drawn by modern-screenshot (the DOM cloned into an SVG with its fonts and images inlined, each
 * video at its current frame) on a canvas the size of the window, as base64 PNG scaled down until
 * it fits the hub's message (src/shared/screenshotFit.ts, as the kiosk's). A chunk of its own,
 * loaded when the hub asks.
 */
export async function pageScreenshot(maxBase64 = SCREENSHOT_MAX_BASE64): Promise<string> {
  const canvas = await domToCanvas(document.body, {
    width: window.innerWidth,
    height: window.innerHeight,
    scale: 1,
    // The page's faces, files inlined here: the library would read them through a style element, which the page's policy refuses (style-src).
    font: { cssText: await fontFacesInlined() },
    // Cached media are object URLs, which the page's policy does not let fetch() read (connect-src): drawn instead.
    fetchFn: (url) => (url.startsWith('blob:') ? objectUrlAsDataUrl(url) : Promise.resolve(false)),
  });
  return fittingPng({ width: canvas.width, pngAt: (width) => pngOf(canvas, width) }, maxBase64);
}

/** Every @font-face of the page's style sheets, its files inlined as data URLs (the SVG the page is drawn through loads nothing). */
async function fontFacesInlined(): Promise<string> {
  const faces: Promise<string>[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // another origin's sheet: not readable, and none of ours
    }
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSFontFaceRule) faces.push(inlineUrls(rule.cssText, sheet.href ?? document.baseURI));
    }
  }
  return (await Promise.all(faces)).join('\n');
}

async function inlineUrls(cssText: string, base: string): Promise<string> {
  const urls = [...cssText.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)].map((match) => match[2]!);
  let inlined = cssText;
  for (const url of new Set(urls)) {
    try {
      const response = await fetch(new URL(url, base));
      if (!response.ok) continue;
      inlined = inlined.split(url).join(await dataUrlOf(await response.blob()));
    } catch {
      // left as it is: that face is drawn in the fallback font
    }
  }
  return inlined;
}

function pngOf(canvas: HTMLCanvasElement, width: number): string {
  let source = canvas;
  if (width !== canvas.width) {
    source = document.createElement('canvas');
    source.width = width;
    source.height = Math.max(1, Math.round((canvas.height * width) / canvas.width));
    source.getContext('2d')?.drawImage(canvas, 0, 0, source.width, source.height);
  }
  const url = source.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}

/** An image's object URL as a PNG data URL (decoded, drawn at its own size); false when it is no image, and the library goes on without it. */
async function objectUrlAsDataUrl(url: string): Promise<string | false> {
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch {
    return false;
  }
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  canvas.getContext('2d')?.drawImage(img, 0, 0);
  return canvas.toDataURL('image/png');
}
