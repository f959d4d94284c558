import type { qrSvgPath } from '../shared/qrModules.js';

/**
 * The QR encoder (qrcode, §1 `qr`) is loaded when a set first has an item with a code, not with
 * the player's start: a zone prepares such an item only once the encoder is here (Playback
 * waits for loadQrEncoder), so a code is drawn in the same frame as its item, never after it.
 */
let encoder: typeof qrSvgPath | null = null;
let loading: Promise<typeof qrSvgPath> | null = null;

export function loadQrEncoder(): Promise<typeof qrSvgPath> {
  loading ??= import('../shared/qrModules.js').then(
    (module) => (encoder = module.qrSvgPath),
    (error: unknown) => {
      loading = null; // tried again with the next item that has a code
      throw new Error(`QR encoder not loaded: ${String(error)}`);
    },
  );
  return loading;
}

/** The encoder, once loaded (null before: an item with a code is not on stage yet). */
export function qrEncoder(): typeof qrSvgPath | null {
  return encoder;
}
