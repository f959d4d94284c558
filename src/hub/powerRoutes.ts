import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PowerReportQuery, PowerScheduleRequest, WattsRequest, type PowerReport, type PowerScheduleResult } from '../shared/adminApi.js';
import { Id } from '../shared/ids.js';
import { parseWith } from '../shared/validationError.js';
import { HubError } from './hubError.js';
import type { HubStores, ScreenChannel } from './screenChannel.js';

/**
 * Screens asleep when the building is closed (admin API, Bearer admin token, registered inside
 * the admin scope): a target's power schedule, a screen's stated wattage, and the report of hours
 * off and energy saved.
 */

function parsed<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = parseWith(schema, input);
  if (!result.ok) throw new HubError(400, where ? `${where}: ${result.error}` : result.error);
  return result.value;
}

const IdParam = z.object({ id: Id });

export async function registerPowerRoutes(api: FastifyInstance, deps: { stores: HubStores; channel: ScreenChannel }): Promise<void> {
  const { stores, channel } = deps;

  // The schedule goes to the target's screens with their set (its revision changes with it).
  api.put('/api/power/schedule', async (request): Promise<PowerScheduleResult> => {
    const { target, power } = parsed(PowerScheduleRequest, request.body, '');
    const screenIds = stores.screens.targetIds(target);
    stores.playlists.setPower(target, power);
    channel.pushSets(screenIds);
    return {
      screens: screenIds.map((id) => {
        const screen = stores.screens.get(id)!;
        return { id, revision: stores.playlists.setFor(screen)?.revision ?? null, online: channel.isOnline(id) };
      }),
    };
  });

  api.put('/api/screens/:id/watts', async (request) => {
    const { id } = parsed(IdParam, request.params, 'url');
    const { watts } = parsed(WattsRequest, request.body, '');
    await stores.power.setWatts(id, watts);
    return { screen: id, watts };
  });

  api.get('/api/power/report', async (request): Promise<PowerReport> => stores.power.report(parsed(PowerReportQuery, request.query ?? {}, 'query')));
}
