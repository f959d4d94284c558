import { FeedCreate, FeedList, FeedRecord } from '../../shared/feeds.js';
import { MediaCheck, MediaFactsList, ScreenViewingRequest } from '../../shared/adminApi.js';
import type { FeedPoller } from '../feeds/feedPoller.js';
import { HubError } from '../hubError.js';
import type { MediaFacts } from '../mediaFacts.js';
import type { HubStores } from '../stores/index.js';
import type { AdminRoute } from './admin.js';
import { errors } from './apiDocs.js';
import { IdParam, parsed } from './requestParsing.js';

/**
 * The admin routes of issue 20's content work: feeds (a site's CAP alert and news feeds: add,
 * list, poll now, remove), what the hub read from its media files (for the content lint's
 * captions rule) and each screen's size and reading distance (its character-height rule).
 * Part of the admin audience's table (routes/admin.ts), each with its permission.
 */
export function feedRouteTable({ stores, feeds, mediaFacts }: { stores: HubStores; feeds: FeedPoller; mediaFacts: MediaFacts }): AdminRoute[] {
  const record = async (id: string): Promise<FeedRecord> => {
    const found = await stores.feeds.get(id);
    if (!found) throw new HubError(404, `feed "${id}" does not exist`);
    return found;
  };
  return [
    {
      method: 'GET',
      url: '/api/feeds',
      permission: 'feeds:read',
      schema: { summary: "Flux d'alertes (CAP) et d'actualités des sites / The sites' alert (CAP) and news feeds", response: { 200: FeedList, ...errors(401) } },
      handler: async (): Promise<FeedList> => ({ feeds: await stores.feeds.list() }),
    },
    {
      method: 'POST',
      url: '/api/feeds',
      permission: 'feeds:write',
      schema: { summary: "Abonner un site à un flux CAP ou d'actualités / Subscribe a site to a CAP or news feed", body: FeedCreate, response: { 201: FeedRecord, ...errors(400, 401, 409) } },
      handler: async (request, reply): Promise<FeedRecord> => {
        const feed = parsed(FeedCreate, request.body, '');
        const created = await stores.feeds.add(feed, Date.now());
        // First poll soon (the CLI and the dashboard poll at once to show the outcome), then every everyMinutes.
        feeds.schedule(created.id, created.everyMinutes, 1_000);
        reply.code(201);
        return created;
      },
    },
    {
      method: 'POST',
      url: '/api/feeds/:id/poll',
      permission: 'feeds:write',
      schema: { summary: 'Relever un flux maintenant / Poll a feed now', params: IdParam, response: { 200: FeedRecord, ...errors(400, 401, 404) } },
      handler: async (request): Promise<FeedRecord> => {
        const { id } = parsed(IdParam, request.params, 'url');
        await record(id);
        await feeds.poll(id);
        return record(id);
      },
    },
    {
      method: 'DELETE',
      url: '/api/feeds/:id',
      permission: 'feeds:write',
      schema: { summary: 'Retirer un flux / Remove a feed', params: IdParam, response: { 200: FeedRecord, ...errors(400, 401, 404) } },
      handler: async (request): Promise<FeedRecord> => {
        const found = await record(parsed(IdParam, request.params, 'url').id);
        await feeds.remove(found);
        return found;
      },
    },
    {
      method: 'POST',
      url: '/api/media/facts',
      permission: 'playlists:read',
      schema: { summary: "Ce que le hub a lu de ses médias (piste audio) / What the hub read from its media files (audio track)", body: MediaCheck, response: { 200: MediaFactsList, ...errors(400, 401) } },
      handler: async (request): Promise<MediaFactsList> => mediaFacts.of(parsed(MediaCheck, request.body, '').sha256),
    },
    {
      method: 'PUT',
      url: '/api/screens/:id/viewing',
      permission: 'screens:write',
      schema: { summary: "Taille de l'écran et distance de lecture (hauteur des caractères) / The screen's size and reading distance (character height)", params: IdParam, body: ScreenViewingRequest, response: { 200: ScreenViewingRequest, ...errors(400, 401, 404) } },
      handler: async (request): Promise<ScreenViewingRequest> => {
        const { id } = parsed(IdParam, request.params, 'url');
        return { viewing: await stores.screens.setViewing(id, parsed(ScreenViewingRequest, request.body, '').viewing) };
      },
    },
  ];
}
