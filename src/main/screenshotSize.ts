import { fittingPng as fitting } from '../shared/screenshotFit.js';

/** The part of Electron's NativeImage a screenshot needs (injected, so that the sizing is tested without Electron). */
export interface ScreenshotImage {
  getSize(): { width: number; height: number };
  resize(options: { width: number }): ScreenshotImage;
  toPNG(): Buffer;
}

/** The window's picture as base64 PNG of at most `maxBase64` characters (src/shared/screenshotFit.ts: scaled down until it fits). */
export function fittingPng(image: ScreenshotImage, maxBase64: number): string {
  const width = image.getSize().width;
  return fitting({ width, pngAt: (to) => (to === width ? image : image.resize({ width: to })).toPNG().toString('base64') }, maxBase64);
}
