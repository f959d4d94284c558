import { ReadinessAnswer, type ScreenState } from '../../shared/adminApi.js';
import { cacheStuckForS } from '../../shared/cacheHealth.js';
import { DEFAULT_HEALTH_RULES, screenProblems, type HealthCondition } from '../../shared/screenHealth.js';
import { ago, roundedDuration } from '../formatting.js';
import { useStrings } from '../i18n.js';
import { usePoll } from '../usePoll.js';

/**
 * The fleet at a glance, above the screens' table: whether the hub's database (and a cluster's
 * broker) answer, as `/readyz` tells the load balancer; how many screens are connected; and each
 * screen with a problem, judged as the hub's notifications judge it (`screenProblems`: offline
 * for 10 minutes, a set refused, a cache stuck, a crash loop), with a link to its page.
 */

const READY_POLL_MS = 10_000;

async function readiness(): Promise<ReadinessAnswer> {
  // 503 carries the same answer, naming what does not answer: read it whatever the status.
  const response = await fetch('/readyz', { cache: 'no-store' });
  return ReadinessAnswer.parse(await response.json());
}

export function FleetSummary({ screens, now }: { screens: readonly ScreenState[]; now: number }) {
  const { t, locale } = useStrings();
  const ready = usePoll(readiness, READY_POLL_MS, []);
  const online = screens.filter((screen) => screen.online).length;
  const troubled = screens.flatMap((screen) => {
    const problems = screenProblems(screen, now, DEFAULT_HEALTH_RULES, 0);
    const found = (Object.keys(problems) as HealthCondition[]).filter((condition) => problems[condition]);
    return found.length ? [{ screen, found }] : [];
  });
  const said = (screen: ScreenState, condition: HealthCondition): string => {
    switch (condition) {
      case 'offline':
        return t.problemOffline(ago(screen.lastSeen, now, locale, t.never));
      case 'refused':
        return t.problemRefused(screen.refused?.revision.slice(0, 8) ?? '', screen.refused?.error ?? '');
      case 'cache': {
        const cache = screen.status!.cache;
        return t.problemCache(cache.missing, roundedDuration(cacheStuckForS(cache) ?? 0, locale));
      }
      case 'crashLoop':
        return t.problemCrashLoop;
    }
  };
  const hub = ready.data;
  return (
    <section className="card fleet" aria-labelledby="fleet-title" data-fleet="">
      <h2 id="fleet-title">{t.fleetTitle}</h2>
      <ul className="fleet-facts">
        <li data-fleet-hub={hub ? (hub.ok ? 'ok' : 'not-ready') : ready.error ? 'unreachable' : 'loading'} className={hub && !hub.ok ? 'error' : undefined}>
          {hub ? t.hubReady(hub.database === 'ok', hub.broker === undefined ? null : hub.broker === 'ok') : ready.error ? t.hubUnreachableShort : t.loading}
        </li>
        <li data-fleet-online={`${online}/${screens.length}`}>{t.screensOnline(online, screens.length)}</li>
      </ul>
      {troubled.length === 0 ? (
        <p className="success" data-fleet-problems="0">
          {t.noProblems(DEFAULT_HEALTH_RULES.offlineAfterMs / 60_000)}
        </p>
      ) : (
        <>
          <h3>{t.problemsTitle(troubled.length)}</h3>
          <ul className="fleet-problems" data-fleet-problems={troubled.length}>
            {troubled.map(({ screen, found }) => (
              <li key={screen.id} data-problem-screen={screen.id} data-problems={found.join(' ')}>
                <a href={`#/screens/${encodeURIComponent(screen.id)}`}>{screen.name}</a> ({screen.site}){t.colon}
                {found.map((condition) => said(screen, condition)).join(t.listSeparator)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
