import { useMemo } from 'react';
import type { Layout } from '../../shared/layout.js';
import type { Playlist } from '../../shared/playlist.js';
import { dayLanes, type Block } from '../dayBlocks.js';
import { clockTime } from '../formatting.js';
import { useStrings } from '../i18n.js';
import { colorOf } from '../palette.js';
import { DataTable } from './DataTable.js';
import { kindLabel } from './LayoutPicker.js';

/** A screen's day, one lane per zone of its layout (without one, the whole screen). */
export function DayTimeline({ playlists, day, timezone, layout }: { playlists: readonly Playlist[]; day: string; timezone: string; layout?: Layout | null | undefined }) {
  const { t } = useStrings();
  const { from, until, lanes } = useMemo(() => dayLanes(playlists, day, timezone, layout), [playlists, day, timezone, layout]);
  const ids = [...new Set(lanes.flatMap((lane) => lane.blocks.flatMap((b) => (b.playlistId ? [b.playlistId] : []))))];
  const zoned = lanes.length > 1;
  return (
    <div className="timeline">
      {lanes.map(({ zone, blocks }) => (
        <div key={zone.id} className="zone-lane" data-zone-lane={zone.id}>
          {zoned ? (
            <h3>
              {t.timelineZone} {zone.id} · {kindLabel(t, zone.kind)}
            </h3>
          ) : null}
          {zone.kind === 'queue' || zone.kind === 'clock' ? <p className="help">{t.timelineLiveZone}</p> : <Lane blocks={blocks} from={from} until={until} ids={ids} timezone={timezone} zoneId={zone.id} />}
        </div>
      ))}
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
    </div>
  );
}

function Lane({ blocks, from, until, ids, timezone, zoneId }: { blocks: Block[]; from: number; until: number; ids: string[]; timezone: string; zoneId: string }) {
  const { t, locale } = useStrings();
  const span = until - from;
  const hours = Array.from({ length: 25 }, (_, h) => h);
  // A block that runs to the day's end ends at 24:00 (midnight read as 00:00 made a whole day read "from 00:00 to 00:00").
  const endOf = (block: Block): string => (block.end >= until ? '24:00' : clockTime(block.end, locale, timezone));
  return (
    <>
      <div className="timeline-bar" aria-hidden="true">
        {blocks.map((block) => (
          <div
            key={block.start}
            className={block.playlistId ? 'timeline-block' : 'timeline-block timeline-idle'}
            style={{ left: `${((block.start - from) / span) * 100}%`, width: `${((block.end - block.start) / span) * 100}%`, ...(block.playlistId ? { background: colorOf(ids.indexOf(block.playlistId)) } : {}) }}
            title={`${clockTime(block.start, locale, timezone)}–${endOf(block)} ${block.playlistId ?? t.idle}`}
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
      <DataTable
        data-table="timeline"
        data-zone={zoneId}
        wrap="short"
        caption={
          <>
            {t.timelineCaption} ({timezone})
          </>
        }
        columns={[t.from, t.to, t.playlist, t.items]}
      >
        {blocks.map((block) => (
          <tr key={block.start}>
            <td>{clockTime(block.start, locale, timezone)}</td>
            <td>{endOf(block)}</td>
            <th scope="row">{block.playlistId ?? <em>{t.idle}</em>}</th>
            <td>{block.items}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
