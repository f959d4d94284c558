import { useMemo } from 'react';
import type { Playlist } from '../../shared/playlist.js';
import { qrSvgPath } from '../../shared/qrModules.js';
import { useStrings } from '../i18n.js';

/** The editor's preview of each item's QR code (§1 `qr`), drawn by the same function as the player's. */
export function QrPreview({ playlists }: { playlists: readonly Playlist[] }) {
  const { t } = useStrings();
  const codes = playlists.flatMap((playlist) => playlist.items.flatMap((item) => ('qr' in item && item.qr ? [{ key: `${playlist.id}/${item.id}`, qr: item.qr }] : [])));
  if (codes.length === 0) return null;
  return (
    <section className="card" aria-labelledby="qr-preview-title">
      <h2 id="qr-preview-title">{t.qrPreviewTitle}</h2>
      <p className="help">{t.qrPreviewHelp}</p>
      <ul className="qr-previews">
        {codes.map(({ key, qr }) => (
          <li key={key} data-qr-item={key}>
            <QrImage url={qr.url} />
            <div>
              <strong>{key}</strong>
              {qr.label ? <p className="qr-preview-label">{qr.label}</p> : null}
              <p className="help">
                <code>{qr.url}</code>
              </p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function QrImage({ url }: { url: string }) {
  const { size, path } = useMemo(() => qrSvgPath(url), [url]);
  return (
    <svg className="qr-preview" viewBox={`0 0 ${size} ${size}`} shapeRendering="crispEdges" role="img" aria-label={url} data-qr={url}>
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
