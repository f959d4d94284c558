import { ScreenSet, type ScreenList } from '../shared/adminApi.js';
import { nameOf } from '../shared/layout.js';
import type { HubApi } from './hubApi.js';
import { usePoll } from './usePoll.js';

/**
 * The names the site's screens show for its services (their layouts' `serviceNames`; a screen's
 * own name for a service wins over the next screen's), read from the sets of at most 50 of them.
 */
export async function siteServiceNames(api: HubApi, screenIds: readonly string[]): Promise<Record<string, string>> {
  return serviceNamesOf(await Promise.all(screenIds.slice(0, 50).map((id) => api.get(`/api/screens/${encodeURIComponent(id)}/playlists`, ScreenSet).catch(() => null))));
}

/** The names the given sets' layouts give their services, the first set's name for a service winning. */
export function serviceNamesOf(sets: readonly (ScreenSet | null | undefined)[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const set of sets) {
    for (const [service, name] of Object.entries(set?.layout?.serviceNames ?? {})) if (!Object.hasOwn(names, service)) names[service] = name;
  }
  return names;
}

/** A service as the room reads it, its id beside (the ticket system's); the id alone when no screen names it. */
export function serviceLabel(service: string, names: Record<string, string> | null | undefined): string {
  const name = nameOf(service, names ?? undefined);
  return name === undefined ? service : `${name} (${service})`;
}

/** The service names of a site's screens (`screens`: the hub's list, as the page has it). */
export function useSiteServiceNames(api: HubApi, site: string, screens: ScreenList['screens']): Record<string, string> | null {
  const ids = screens.filter((s) => s.site === site).map((s) => s.id);
  return usePoll(() => siteServiceNames(api, ids), null, [api, ids.join(' ')]).data;
}
