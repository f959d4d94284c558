import { useEffect, useState } from 'react';

/** Pages by the address's hash (`#/screens/accueil-1`): links work, reloads keep the page, the hub serves one file. */
export type Route = { page: 'screens' } | { page: 'screen'; id: string } | { page: 'playlists' } | { page: 'alerts' } | { page: 'reports' } | { page: 'feeds' } | { page: 'users' } | { page: 'audit' } | { page: 'account' };

export function routeOf(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'screens' && id) return { page: 'screen', id: decodeURIComponent(id) };
  if (page === 'playlists' || page === 'alerts' || page === 'reports' || page === 'feeds' || page === 'users' || page === 'audit' || page === 'account') return { page };
  return { page: 'screens' };
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
