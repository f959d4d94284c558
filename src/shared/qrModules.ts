import { create } from 'qrcode';

/**
 * §1 `qr`: a URL's QR code as an SVG path of its dark modules (qrcode's encoder, error correction
 * M), with the standard quiet zone of 4 modules around it. The player draws it on screen and the
 * dashboard's editor previews it from this same function: what the editor shows is what plays.
 */
export const QR_QUIET_MODULES = 4;

export function qrSvgPath(url: string): { size: number; path: string } {
  const modules = create(url, { errorCorrectionLevel: 'M' }).modules;
  let path = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) path += `M${col + QR_QUIET_MODULES} ${row + QR_QUIET_MODULES}h1v1h-1z`;
  }
  return { size: modules.size + 2 * QR_QUIET_MODULES, path };
}
