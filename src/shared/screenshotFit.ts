/** A picture that can be given as base64 PNG at any width up to its own (Electron's NativeImage, a page drawn on a canvas). */
export interface ScalablePicture {
  readonly width: number;
  /** Base64 PNG of the picture scaled to `width` (its own width: as it is). */
  pngAt(width: number): string;
}

/** The narrowest a screenshot is scaled down to, whatever its weight. */
export const MIN_SCREENSHOT_WIDTH = 64;

/**
 * The picture as base64 PNG of at most `maxBase64` characters: full size when it fits, else
 * scaled down (three quarters at a time) until it does, so that the `screenshot` command's answer
 * stays within the hub's socket message limit (MAX_SOCKET_MESSAGE_BYTES). Kiosk and web player alike.
 */
export function fittingPng(picture: ScalablePicture, maxBase64: number): string {
  let width = picture.width;
  let png = picture.pngAt(width);
  while (png.length > maxBase64 && width > MIN_SCREENSHOT_WIDTH) {
    width = Math.max(MIN_SCREENSHOT_WIDTH, Math.floor(width * 0.75));
    png = picture.pngAt(width);
  }
  return png;
}
