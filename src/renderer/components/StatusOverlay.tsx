import { useEffect, useState } from 'react';
import type { HubReport } from '../hubSync.js';
import type { FileStatus } from '../../shared/mediaStatus.js';
import type { CacheTotals, PlayerMedia } from '../playerMedia.js';

/** Megabytes as French writes them (a decimal comma, a space between thousands: « 8 590,0 Mo »). */
const MEGABYTES = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * For the technician: each file's state and progress, the totals and the storage used.
 * Hidden; Ctrl+Alt+S (or F9) shows and hides it.
 */
export function StatusOverlay({ cache, hub }: { cache: PlayerMedia; hub: (() => HubReport) | null }) {
  const [open, setOpen] = useState(false);
  const [hubReport, setHubReport] = useState<HubReport | null>(null);
  const [files, setFiles] = useState<FileStatus[]>([]);
  const [totals, setTotals] = useState<CacheTotals | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F9' || (event.ctrlKey && event.altKey && event.key.toLowerCase() === 's')) setOpen((o) => !o);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const refresh = () => {
      setFiles(cache.files().map((f) => ({ ...f })));
      void cache.totals().then((t) => live && setTotals(t));
    };
    refresh();
    const off = cache.onChange(refresh);
    const readHub = () => setHubReport(hub ? hub() : null);
    readHub();
    const hubTimer = setInterval(readHub, 1_000);
    return () => {
      live = false;
      off();
      clearInterval(hubTimer);
    };
  }, [open, cache, hub]);

  if (!open) return null;
  const mb = (bytes: number) => `${MEGABYTES.format(bytes / 1_000_000)} Mo`;
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return (
    <section className="status-overlay" data-status-overlay="" aria-label="État du cache">
      <p data-hub-state={hubReport ? (hubReport.connected ? 'connected' : 'offline') : 'none'}>
        {hubReport
          ? `Hub ${hubReport.url} : ${hubReport.connected ? 'connecté' : `hors ligne${hubReport.error ? ` (${hubReport.error})` : ''}`} · ${plural(hubReport.sent, 'diffusion envoyée', 'diffusions envoyées')}${hubReport.sendError ? ` · ${hubReport.sendError}` : ''}${hubReport.refusal ? ` · playlists refusées : ${hubReport.refusal}` : ''}`
          : 'Pas de hub configuré : contenus intégrés et enregistrés.'}
      </p>
      <h2>Contenus en cache</h2>
      {totals ? (
        <p data-cache-totals="">
          {plural(totals.files, 'fichier', 'fichiers')}, {mb(totals.bytes)} utilisés{Number.isFinite(totals.budget) ? ` sur ${mb(totals.budget)}` : ''} · {totals.missing} manquant(s)
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Fichier</th>
            <th>État</th>
            <th>Progression</th>
            <th>Erreur</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.sha256} data-file-state={f.state}>
              <td>{f.src.split('/').pop()}</td>
              <td>{STATE_FR[f.state]}</td>
              <td>{f.state === 'ready' ? '100 %' : f.total ? `${Math.floor((100 * f.done) / f.total)} %` : mb(f.done)}</td>
              <td>{f.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const STATE_FR: Record<FileStatus['state'], string> = {
  queued: 'en attente',
  downloading: 'téléchargement',
  ready: 'prêt',
  waiting: 'nouvel essai bientôt',
  failed: 'refusé',
  'no-room': 'place insuffisante',
};
