import { PNG } from 'pngjs';

/** Mean difference of the red, green and blue of two pictures of the same size, pixel by pixel (0 to 255). */
export function meanDifference(a: PNG, b: PNG): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`pictures of different sizes: ${a.width}×${a.height} and ${b.width}×${b.height}`);
  let sum = 0;
  for (let k = 0; k < a.data.length; k += 4) for (let c = 0; c < 3; c++) sum += Math.abs(a.data[k + c]! - b.data[k + c]!);
  return sum / ((a.data.length / 4) * 3);
}

/** How far a screenshot is from the page as Chromium paints it, against how far a blank picture of its size is. */
export function screenshotAgainstPage(drawn: PNG, seen: PNG): { off: number; blank: number } {
  return { off: meanDifference(drawn, seen), blank: meanDifference(new PNG({ width: seen.width, height: seen.height }), seen) };
}
