import { createContext, useContext } from 'react';
import { grantsAllow, type Action, type Grant } from '../shared/access.js';

/**
 * What the signed-in user may do (the hub's answer to GET /api/session): the dashboard hides
 * what they may not. The hub refuses it anyway; this only keeps buttons that would fail away.
 */
export const ActionsContext = createContext<{ actions: readonly Action[]; grants: readonly Grant[] }>({ actions: [], grants: [] });

/** May the user do this on some site at least? */
export function useCan(): (action: Action) => boolean {
  const { actions } = useContext(ActionsContext);
  return (action) => actions.includes(action);
}

/** May the user do this on every site at once (a report whose totals cover them all)? */
export function useCanEverywhere(): (action: Action) => boolean {
  const { grants } = useContext(ActionsContext);
  return (action) => grantsAllow(grants, action, 'all');
}
