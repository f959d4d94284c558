import { useSyncExternalStore } from 'react';
import { strings, type Lang } from '../i18n.js';
import type { AlertBoard } from '../alertBoard.js';
import type { Alert } from '../../shared/protocol.js';

/**
 * The alerts on screen, each carrying the §5 hooks: every urgent one full-screen (the newest on
 * top), the newest info one as a band at the top and the others as bands at the bottom, newest first.
 */
export function AlertLayer({ board, lang }: { board: AlertBoard; lang: Lang }) {
  const alerts = useSyncExternalStore(board.subscribe, board.getAlerts);
  const t = strings(lang);
  const urgent = alerts.filter((alert) => alert.level === 'urgent');
  const [newest, ...older] = alerts.filter((alert) => alert.level === 'info').reverse();
  const band = (alert: Alert) => (
    <div key={alert.id} className="alert-info" role="status" data-alert-id={alert.id} data-alert-level={alert.level}>
      <span className="alert-title">{t.info}</span>
      <span className="alert-text">{alert.text}</span>
    </div>
  );
  return (
    <>
      {newest ? band(newest) : null}
      {older.length > 0 ? <div className="alert-info-more">{older.map(band)}</div> : null}
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
