import { createContext, useContext } from 'react';
import type { Action } from '../shared/access.js';

/**
 * What the signed-in user may do (the hub's answer to GET /api/session): the dashboard hides
 * what they may not. The hub refuses it anyway; this only keeps buttons that would fail away.
 */
export const ActionsContext = createContext<readonly Action[]>([]);

export function useCan(): (action: Action) => boolean {
  const actions = useContext(ActionsContext);
  return (action) => actions.includes(action);
}
