/** The part of Electron's NativeImage a screenshot needs (injected, so that the sizing is tested without Electron). */
export interface ScreenshotImage {
  getSize(): { width: number; height: number };
  resize(options: { width: number }): ScreenshotImage;
  toPNG(): Buffer;
}

/**
 * The window's picture as base64 PNG of at most `maxBase64` characters: full size when it
 * fits, else scaled down (three quarters at a time) until it does, so that the hub's
 * `screenshot` answer stays within its socket message limit (MAX_SOCKET_MESSAGE_BYTES).
 */
export function fittingPng(image: ScreenshotImage, maxBase64: number): string {
  let width = image.getSize().width;
  let png = image.toPNG();
  while (Math.ceil(png.length / 3) * 4 > maxBase64 && width > 64) {
    width = Math.max(64, Math.floor(width * 0.75));
    png = image.resize({ width }).toPNG();
  }
  return png.toString('base64');
}
