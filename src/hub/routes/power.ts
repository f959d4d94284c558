import { PowerReport, PowerReportQuery, PowerScheduleRequest, PowerScheduleResult, WattsRequest, WattsResult } from '../../shared/adminApi.js';
import { scheduledOffHours } from '../../shared/powerSchedule.js';
import type { Scope } from '../../shared/access.js';
import { Id } from '../../shared/ids.js';
import type { ScreenChannel } from '../screenChannel.js';
import type { HubStores } from '../stores/index.js';
import type { AdminRoute, RouteAudit, TargetScopes } from './admin.js';
import { errors } from './apiDocs.js';
import { IdParam, parsed } from './requestParsing.js';

/**
 * Screens asleep when the building is closed (admin routes, in the admin table): a target's power
 * schedule (sent to its screens with their set), a screen's stated wattage, and the report of
 * hours on, off and black with the energy saved.
 */
export function powerRouteTable({ stores, channel, audit, scopes }: { stores: HubStores; channel: ScreenChannel; audit: RouteAudit; scopes: TargetScopes }): AdminRoute[] {
  return [
    {
      method: 'PUT',
      url: '/api/power/schedule',
      // The screens' hardware (when they sleep): the IT person's, like pairing.
      access: { action: 'screens.manage', scope: scopes.bodyTarget },
      schema: {
        summary: "Horaires d'ouverture (mise en veille) d'un écran ou d'un site, ou null pour les retirer / A screen's or site's opening hours (sleep schedule), or null to remove them",
        body: PowerScheduleRequest,
        response: { 200: PowerScheduleResult, ...errors(400, 401, 404) },
      },
      handler: async (request): Promise<PowerScheduleResult> => {
        const { target, power } = parsed(PowerScheduleRequest, request.body, '');
        const screenIds = await stores.screens.targetIds(target);
        await stores.playlists.setPower(target, power);
        // The schedule goes to the target's screens with their set (its revision changes with it).
        await channel.pushSets(screenIds);
        const scope = await scopes.ofTarget(target);
        await audit(request, {
          action: 'power.schedule',
          target: 'screen' in target ? `screen:${target.screen}` : `site:${target.site}`,
          site: typeof scope === 'object' ? scope.site : null,
          after: power === null ? 'none' : JSON.stringify(power).slice(0, 300),
        });
        const online = await channel.onlineAmong(screenIds);
        return {
          screens: await Promise.all(
            screenIds.map(async (id) => {
              const screen = (await stores.screens.get(id))!;
              return { id, revision: (await stores.playlists.setFor(screen))?.revision ?? null, online: online.has(id) };
            }),
          ),
        };
      },
    },
    {
      method: 'PUT',
      url: '/api/screens/:id/watts',
      access: { action: 'screens.manage', scope: scopes.screenParam },
      schema: { summary: "Puissance de l'afficheur, en watts (économies) / The display's wattage (energy saved)", params: IdParam, body: WattsRequest, response: { 200: WattsResult, ...errors(400, 401, 404) } },
      handler: async (request): Promise<WattsResult> => {
        const { id } = parsed(IdParam, request.params, 'url');
        const { watts } = parsed(WattsRequest, request.body, '');
        await stores.power.setWatts(id, watts);
        const scope = await scopes.ofTarget({ screen: id });
        await audit(request, { action: 'screen.watts', target: `screen:${id}`, site: typeof scope === 'object' ? scope.site : null, after: watts === null ? 'none' : `${watts} W` });
        return { screen: id, watts };
      },
    },
    {
      method: 'GET',
      url: '/api/power/report',
      // A report of one site (?site=) needs a role there; of every site, a role on every site (its totals cover them all).
      access: {
        action: 'reports.read',
        scope: (request): Scope => {
          const site = Id.safeParse((request.query as { site?: unknown } | undefined)?.site);
          return site.success ? { site: site.data } : 'all';
        },
      },
      schema: { summary: 'Heures allumé, éteint, noir et énergie économisée par écran / Hours on, off, black and energy saved per screen', querystring: PowerReportQuery, response: { 200: PowerReport, ...errors(400, 401) } },
      handler: async (request): Promise<PowerReport> => {
        const query = parsed(PowerReportQuery, request.query ?? {}, 'query');
        const report = await stores.power.report(query);
        // Beside what each screen reported, what its schedule (as it is now) says it should have slept.
        const rows = await Promise.all(
          report.screens.map(async (row) => {
            const screen = await stores.screens.get(row.screen);
            const set = screen ? await stores.playlists.setFor(screen) : null;
            const scheduled = screen && set?.power ? scheduledOffHours(set.power, set.playlists, screen.timezone, Date.parse(query.since), Date.parse(query.until)) : null;
            return { ...row, scheduledHoursAsleep: scheduled };
          }),
        );
        return { ...report, screens: rows };
      },
    },
  ];
}
