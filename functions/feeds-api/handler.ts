/**
 * Evidence feeds (api.md §Feeds, SCR-03/04/05): `POST /v1/feeds/deaths` and
 * `POST /v1/feeds/immigration` (agency). The rules are domain/screening/feeds.ts; matched people
 * go to the `screening` queue as `EVIDENCE_RECORDED` messages, ten per send.
 */
import { type FeedDeps, type FeedResult, recordDeaths, recordMovements } from '../../domain/screening/feeds';
import { deathFeed, type EvidenceEvent, immigrationFeed } from '../../events/screening';
import { systemClock } from '../shared/clock';
import { invalidRequest } from '../shared/errors';
import { dispatch, json, route } from '../shared/http';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { personalDataVault } from '../shared/vault';
import { evidenceStore } from '../shared/stores';
import { routes } from './routes';

const deps = async (): Promise<FeedDeps> => {
  const vault = await personalDataVault();
  return {
    evidence: evidenceStore(),
    lookupHash: (rrn) => vault.lookupHash(rrn),
    rescreen: async (people) => {
      const events: EvidenceEvent[] = people.map((p) => ({ version: 1, event: 'EVIDENCE_RECORDED', ...p }));
      for (let i = 0; i < events.length; i += 10) await sendAll('screening', events.slice(i, i + 10));
    },
    clock: systemClock,
  };
};

function answer(result: FeedResult, what: string) {
  if (!result.ok) throw invalidRequest(result.issues, 'the feed has invalid records; nothing was recorded');
  logger.info(`${what} feed recorded`, { ...result.summary });
  return json(200, result.summary);
}

const deaths = route({ roles: ['agency'], body: deathFeed }, async ({ body }) => answer(await recordDeaths(await deps(), body.records), 'death'));
const immigration = route({ roles: ['agency'], body: immigrationFeed }, async ({ body }) => answer(await recordMovements(await deps(), body.records), 'immigration'));

export { routes };
export const handler = dispatch(routes, { deaths, immigration });
