import { useMemo, type ReactNode } from 'react';
import type { Qr } from '../../shared/playlist.js';
import { qrEncoder } from '../qrEncoder.js';

/**
 * §1 `qr`: the item's content with a QR code beside it (below it in a zone taller than wide),
 * in a band of its own so that nothing of the content is covered. The code is drawn here, with
 * no network, as an SVG of its modules (qrSvgPath: qrcode's encoder), on white with the standard quiet zone
 * of 4 modules; its side is a third of the zone's short side: 36 cm on a 55-inch 1080p screen's
 * full screen, about 30 cm in the town hall's carousel, where a code scans from ten times its
 * width (3 m), beyond the 2 m asked.
 */
export function WithQr({ qr, children }: { qr: Qr | undefined; children: ReactNode }) {
  if (!qr) return <>{children}</>;
  return (
    <div className="with-qr">
      <div className="with-qr-content">{children}</div>
      <aside className="qr-panel" data-qr={qr.url}>
        <QrCode url={qr.url} />
        {qr.label ? <p className="qr-label">{qr.label}</p> : null}
      </aside>
    </div>
  );
}

export function QrCode({ url }: { url: string }) {
  const encode = qrEncoder();
  // Loaded before any item with a code is prepared (Playback); without it, no half-drawn code.
  const code = useMemo(() => encode?.(url) ?? null, [encode, url]);
  if (!code) return null;
  const { size, path } = code;
  return (
    <svg className="qr-code" viewBox={`0 0 ${size} ${size}`} shapeRendering="crispEdges" role="img" aria-label={url}>
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
