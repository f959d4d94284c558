import { useSyncExternalStore } from 'react';
import { strings, type Lang } from '../i18n.js';
import type { AlertBoard } from '../alertBoard.js';

/** The alerts on screen: the newest urgent one full-screen, info ones as bands (protocol §5 hooks). */
export function AlertLayer({ board, lang }: { board: AlertBoard; lang: Lang }) {
  const alerts = useSyncExternalStore(board.subscribe, board.getAlerts);
  const urgent = alerts.filter((alert) => alert.level === 'urgent').at(-1);
  const infos = alerts.filter((alert) => alert.level === 'info').slice(-2);
  return (
    <>
      {infos.map((alert) => (
        <div key={alert.id} className="alert-info" role="status" data-alert-id={alert.id} data-alert-level={alert.level}>
          <span className="alert-title">{strings(lang).info}</span>
          <span className="alert-text">{alert.text}</span>
        </div>
      ))}
      {urgent ? (
        <div className="alert-urgent" role="alert" data-alert-id={urgent.id} data-alert-level={urgent.level}>
          <div className="alert-title">{strings(lang).urgent}</div>
          <div className="alert-text">{urgent.text}</div>
        </div>
      ) : null}
    </>
  );
}
