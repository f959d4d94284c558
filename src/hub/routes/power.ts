import { PowerReportQuery, PowerScheduleRequest, WattsRequest, type PowerReport, type PowerScheduleResult, type WattsResult } from '../../shared/adminApi.js';
import { scheduledOffHours } from '../../shared/powerSchedule.js';
import type { ScreenChannel } from '../screenChannel.js';
import type { HubStores } from '../stores/index.js';
import type { AdminRoute } from './admin.js';
import { IdParam, parsed } from './requestParsing.js';

/**
 * Screens asleep when the building is closed (admin routes, in the admin table): a target's power
 * schedule (sent to its screens with their set), a screen's stated wattage, and the report of
 * hours on, off and black with the energy saved.
 */
export function powerRouteTable({ stores, channel }: { stores: HubStores; channel: ScreenChannel }): AdminRoute[] {
  return [
    {
      method: 'PUT',
      url: '/api/power/schedule',
      permission: 'screens:write',
      handler: async (request): Promise<PowerScheduleResult> => {
        const { target, power } = parsed(PowerScheduleRequest, request.body, '');
        const screenIds = await stores.screens.targetIds(target);
        await stores.playlists.setPower(target, power);
        // The schedule goes to the target's screens with their set (its revision changes with it).
        await channel.pushSets(screenIds);
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
      permission: 'screens:write',
      handler: async (request): Promise<WattsResult> => {
        const { id } = parsed(IdParam, request.params, 'url');
        const { watts } = parsed(WattsRequest, request.body, '');
        await stores.power.setWatts(id, watts);
        return { screen: id, watts };
      },
    },
    {
      method: 'GET',
      url: '/api/power/report',
      permission: 'screens:read',
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
