import { useMemo } from 'react';
import type { Playlist } from '../../shared/playlist.js';
import { dayBlocks } from '../dayBlocks.js';
import { clockTime } from '../formatting.js';
import { useStrings } from '../i18n.js';
import { colorOf } from '../palette.js';

export function DayTimeline({ playlists, day, timezone }: { playlists: readonly Playlist[]; day: string; timezone: string }) {
  const { t, locale } = useStrings();
  const { from, until, blocks } = useMemo(() => dayBlocks(playlists, day, timezone), [playlists, day, timezone]);
  const ids = [...new Set(blocks.flatMap((b) => (b.playlistId ? [b.playlistId] : [])))];
  const span = until - from;
  const hours = Array.from({ length: 25 }, (_, h) => h);
  return (
    <div className="timeline">
      <div className="timeline-bar" aria-hidden="true">
        {blocks.map((block) => (
          <div
            key={block.start}
            className={block.playlistId ? 'timeline-block' : 'timeline-block timeline-idle'}
            style={{ left: `${((block.start - from) / span) * 100}%`, width: `${((block.end - block.start) / span) * 100}%`, ...(block.playlistId ? { background: colorOf(ids.indexOf(block.playlistId)) } : {}) }}
            title={`${clockTime(block.start, locale, timezone)}–${clockTime(block.end, locale, timezone)} ${block.playlistId ?? t.idle}`}
          />
        ))}
      </div>
      <div className="timeline-hours" aria-hidden="true">
        {hours
          .filter((h) => h % 3 === 0)
          .map((h) => (
            <span key={h} style={{ left: `${(h / 24) * 100}%` }}>
              {String(h).padStart(2, '0')}h
            </span>
          ))}
      </div>
      <ul className="legend" aria-hidden="true">
        {ids.map((id, k) => (
          <li key={id}>
            <span className="swatch" style={{ background: colorOf(k) }} /> {id}
          </li>
        ))}
        <li>
          <span className="swatch swatch-idle" /> {t.idle}
        </li>
      </ul>
      <div className="table-wrap short">
        <table data-table="timeline">
          <caption>
            {t.timelineCaption} ({timezone})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t.from}</th>
              <th scope="col">{t.to}</th>
              <th scope="col">{t.playlist}</th>
              <th scope="col">{t.items}</th>
            </tr>
          </thead>
          <tbody>
            {blocks.map((block) => (
              <tr key={block.start}>
                <td>{clockTime(block.start, locale, timezone)}</td>
                <td>{clockTime(block.end, locale, timezone)}</td>
                <th scope="row">{block.playlistId ?? <em>{t.idle}</em>}</th>
                <td>{block.items}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
