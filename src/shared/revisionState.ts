import type { ScreenState } from './adminApi.js';

/** Where a screen stands with the set the hub means it to play: the CLI's status and the dashboard say the same. */
export type RevisionState = 'none' | 'acked' | 'refused' | 'waiting';

export function revisionState(screen: Pick<ScreenState, 'revision' | 'ackedRevision' | 'refused'>): RevisionState {
  if (!screen.revision) return 'none';
  if (screen.refused?.revision === screen.revision) return 'refused';
  if (screen.ackedRevision === screen.revision) return 'acked';
  return 'waiting';
}
