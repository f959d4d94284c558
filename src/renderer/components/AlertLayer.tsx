import { useLayoutEffect, useRef, useSyncExternalStore, type RefObject } from 'react';
import { strings, type Lang } from '../i18n.js';
import type { AlertBoard } from '../alertBoard.js';
import type { Alert } from '../../shared/protocol.js';

/** The heights of the info bands at the top and at the bottom of the stage (px), as CSS properties on it, for the zones kept clear of them (Stage.tsx). */
export const INFO_BAND_TOP = '--info-band-top';
export const INFO_BAND_BOTTOM = '--info-band-bottom';

/**
 * The alerts on screen, each carrying the §5 hooks: every urgent one full-screen (the newest on
 * top), the newest info one as a band at the top and the others as bands at the bottom, newest
 * first. The bands' heights are written on `stage` as long as they are there.
 */
export function AlertLayer({ board, lang, stage }: { board: AlertBoard; lang: Lang; stage: RefObject<HTMLElement | null> }) {
  const alerts = useSyncExternalStore(board.subscribe, board.getAlerts);
  const t = strings(lang);
  const urgent = alerts.filter((alert) => alert.level === 'urgent');
  const [newest, ...older] = alerts.filter((alert) => alert.level === 'info').reverse();
  const top = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const bands = `${newest?.id ?? ''} ${older.map((alert) => alert.id).join(' ')}`;
  useLayoutEffect(() => {
    const on = stage.current;
    if (!on) return;
    const measured = [
      [top.current, INFO_BAND_TOP],
      [bottom.current, INFO_BAND_BOTTOM],
    ] as const;
    const write = (): void => {
      for (const [band, property] of measured) on.style.setProperty(property, `${band ? band.getBoundingClientRect().height : 0}px`);
    };
    write();
    // A band's height follows its text (a longer one wraps) and the screen's size.
    const observer = new ResizeObserver(write);
    for (const [band] of measured) if (band) observer.observe(band);
    return () => {
      observer.disconnect();
      for (const [, property] of measured) on.style.removeProperty(property);
    };
  }, [stage, bands]);
  const band = (alert: Alert, ref?: RefObject<HTMLDivElement | null>) => (
    <div key={alert.id} ref={ref} className="alert-info" role="status" data-alert-id={alert.id} data-alert-level={alert.level}>
      <span className="alert-title">{t.info}</span>
      <span className="alert-text">{alert.text}</span>
    </div>
  );
  return (
    <>
      {newest ? band(newest, top) : null}
      {older.length > 0 ? (
        <div className="alert-info-more" ref={bottom}>
          {older.map((alert) => band(alert))}
        </div>
      ) : null}
      {urgent.map((alert) => (
        <div key={alert.id} className="alert-urgent" role="alert" data-alert-id={alert.id} data-alert-level={alert.level}>
          <div className="alert-title">{t.urgent}</div>
          <div className={urgentTextClass(alert.text)}>{alert.text}</div>
        </div>
      ))}
    </>
  );
}

/**
 * An urgent alert's text's classes, its type size by its length: up to 160 characters at the
 * largest size; beyond, smaller steps, so that the 500 characters an alert may have fit a
 * 1280×720, 1920×1080 or 1080×1920 screen whole (measured: test/browser/otherHub.test.ts).
 */
function urgentTextClass(text: string): string {
  if (text.length <= 160) return 'alert-text';
  return text.length <= 300 ? 'alert-text alert-text-long' : 'alert-text alert-text-longer';
}
