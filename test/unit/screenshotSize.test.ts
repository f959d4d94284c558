import { describe, expect, it } from 'vitest';
import { fittingPng, type ScreenshotImage } from '../../src/main/screenshotSize.js';

/** Electron's NativeImage stands in (a true edge): its PNG weighs 3 bytes a pixel, like a photo that does not compress. */
function image(width: number, height: number): ScreenshotImage & { widths: number[] } {
  const widths: number[] = [];
  const make = (w: number, h: number): ScreenshotImage => ({
    getSize: () => ({ width: w, height: h }),
    resize: ({ width: to }) => {
      widths.push(to);
      return make(to, Math.round((h * to) / w));
    },
    toPNG: () => Buffer.alloc(w * h * 3, 1),
  });
  return Object.assign(make(width, height), { widths });
}

describe('screenshot sized for the hub\'s socket limit', () => {
  it('keeps a picture that fits at full size', () => {
    const small = image(320, 180);
    expect(Buffer.from(fittingPng(small, 1_500_000), 'base64').length).toBe(320 * 180 * 3);
    expect(small.widths).toEqual([]);
  });

  it('scales a full-HD picture down until its base64 fits', () => {
    const hd = image(1920, 1080);
    const base64 = fittingPng(hd, 1_490_000);
    expect(base64.length).toBeLessThanOrEqual(1_490_000);
    expect(hd.widths.length).toBeGreaterThan(0);
    expect(hd.widths.every((w, k) => k === 0 || w < hd.widths[k - 1]!)).toBe(true);
  });
});
