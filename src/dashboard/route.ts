import { useEffect, useState } from 'react';

/** Pages by the address's hash (`#/screens/accueil-1`): links work, reloads keep the page, the hub serves one file. */
export type Route = { page: 'screens' } | { page: 'screen'; id: string } | { page: 'playlists' } | { page: 'alerts' } | { page: 'reports' } | { page: 'feeds' } | { page: 'users' } | { page: 'audit' } | { page: 'account' };

export function routeOf(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'screens' && id) return { page: 'screen', id: decodedOrAsIs(id) };
  if (page === 'playlists' || page === 'alerts' || page === 'reports' || page === 'feeds' || page === 'users' || page === 'audit' || page === 'account') return { page };
  return { page: 'screens' };
}

/** A hash part typed by hand may be a broken escape (`%`, `%E9`): then it is taken as written (the screen page says no such screen). */
function decodedOrAsIs(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}
