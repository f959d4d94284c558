import { FeedCreate, FeedList, FeedRecord } from '../../shared/feeds.js';
import { MediaCheck, MediaFactsList, ScreenViewingRequest } from '../../shared/adminApi.js';
import type { FeedPoller } from '../feeds/feedPoller.js';
import { HubError } from '../hubError.js';
import type { MediaFacts } from '../mediaFacts.js';
import type { HubStores } from '../stores/index.js';
import { sitesAllowed, type Scope } from '../../shared/access.js';
import { callerOf, type ScopeOf } from '../routeAccess.js';
import type { AdminRoute, RouteAudit, TargetScopes } from './admin.js';
import { errors } from './apiDocs.js';
import { IdParam, parsed } from './requestParsing.js';

/**
 * The admin routes of issue 20's content work: feeds (a site's CAP alert and news feeds: add,
 * list, poll now, remove), what the hub read from its media files (for the content lint's
 * captions rule) and each screen's size and reading distance (its character-height rule).
 * Part of the admin audience's table (routes/admin.ts), each with its access rule: a feed is its
 * site's (subscribed, polled and removed by an editor of the site, listed to whoever sees the site).
 */
export function feedRouteTable({ stores, feeds, mediaFacts, scopes, audit }: { stores: HubStores; feeds: FeedPoller; mediaFacts: MediaFacts; scopes: TargetScopes; audit: RouteAudit }): AdminRoute[] {
  const record = async (id: string): Promise<FeedRecord> => {
    const found = await stores.feeds.get(id);
    if (!found) throw new HubError(404, `feed "${id}" does not exist`);
    return found;
  };
  /** The site of the feed the URL names (an unknown feed: every site, then its 404). */
  const feedParam: ScopeOf = async (request): Promise<Scope> => {
    const found = await stores.feeds.get(parsed(IdParam, request.params, 'url').id);
    return found ? { site: found.site } : 'all';
  };
  return [
    {
      method: 'GET',
      url: '/api/feeds',
      access: { action: 'alerts.read', scope: 'any' },
      schema: { summary: "Flux d'alertes (CAP) et d'actualités des sites / The sites' alert (CAP) and news feeds", response: { 200: FeedList, ...errors(401) } },
      handler: async (request): Promise<FeedList> => {
        const sites = sitesAllowed(callerOf(request).user.grants, 'alerts.read');
        const all = await stores.feeds.list();
        return { feeds: sites === 'all' ? all : all.filter((feed) => sites.includes(feed.site)) };
      },
    },
    {
      method: 'POST',
      url: '/api/feeds',
      access: { action: 'playlists.push', scope: scopes.bodyTarget },
      schema: { summary: "Abonner un site à un flux CAP ou d'actualités / Subscribe a site to a CAP or news feed", body: FeedCreate, response: { 201: FeedRecord, ...errors(400, 401, 409) } },
      handler: async (request, reply): Promise<FeedRecord> => {
        const feed = parsed(FeedCreate, request.body, '');
        const created = await stores.feeds.add(feed, Date.now());
        // First poll soon (the CLI and the dashboard poll at once to show the outcome), then every everyMinutes.
        feeds.schedule(created.id, created.everyMinutes, 1_000);
        await audit(request, { action: 'feed.add', target: `feed:${created.id}`, site: created.site, after: `${created.kind} ${created.url}`.slice(0, 300) });
        reply.code(201);
        return created;
      },
    },
    {
      method: 'POST',
      url: '/api/feeds/:id/poll',
      access: { action: 'playlists.push', scope: feedParam },
      schema: { summary: 'Relever un flux maintenant / Poll a feed now', params: IdParam, response: { 200: FeedRecord, ...errors(400, 401, 404) } },
      handler: async (request): Promise<FeedRecord> => {
        const { id } = parsed(IdParam, request.params, 'url');
        const found = await record(id);
        await feeds.poll(id);
        await audit(request, { action: 'feed.poll', target: `feed:${id}`, site: found.site });
        return record(id);
      },
    },
    {
      method: 'DELETE',
      url: '/api/feeds/:id',
      access: { action: 'playlists.push', scope: feedParam },
      schema: { summary: 'Retirer un flux / Remove a feed', params: IdParam, response: { 200: FeedRecord, ...errors(400, 401, 404) } },
      handler: async (request): Promise<FeedRecord> => {
        const found = await record(parsed(IdParam, request.params, 'url').id);
        await feeds.remove(found);
        await audit(request, { action: 'feed.remove', target: `feed:${found.id}`, site: found.site, before: `${found.kind} ${found.url}`.slice(0, 300) });
        return found;
      },
    },
    {
      method: 'POST',
      url: '/api/media/facts',
      access: { action: 'screens.read', scope: 'any' },
      schema: { summary: "Ce que le hub a lu de ses médias (piste audio) / What the hub read from its media files (audio track)", body: MediaCheck, response: { 200: MediaFactsList, ...errors(400, 401) } },
      handler: async (request): Promise<MediaFactsList> => mediaFacts.of(parsed(MediaCheck, request.body, '').sha256),
    },
    {
      method: 'PUT',
      url: '/api/screens/:id/viewing',
      access: { action: 'screens.manage', scope: scopes.screenParam },
      schema: { summary: "Taille de l'écran et distance de lecture (hauteur des caractères) / The screen's size and reading distance (character height)", params: IdParam, body: ScreenViewingRequest, response: { 200: ScreenViewingRequest, ...errors(400, 401, 404) } },
      handler: async (request): Promise<ScreenViewingRequest> => {
        const { id } = parsed(IdParam, request.params, 'url');
        const viewing = await stores.screens.setViewing(id, parsed(ScreenViewingRequest, request.body, '').viewing);
        const scope = await scopes.ofTarget({ screen: id });
        await audit(request, { action: 'screen.viewing', target: `screen:${id}`, site: typeof scope === 'object' ? scope.site : null, after: viewing === null ? 'none' : JSON.stringify(viewing) });
        return { viewing };
      },
    },
  ];
}
