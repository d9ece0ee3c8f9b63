/**
 * Evidence feeds (api.md §Feeds, SCR-03/04/05): `POST /v1/feeds/deaths` and
 * `POST /v1/feeds/immigration` (agency). Records name people by RRN; each RRN is turned into the
 * keyed look-up hash at once and matched to recipients and workers, and never stored or logged.
 * Unknown RRNs are counted and ignored. Each matched person gets an `EVIDENCE_RECORDED` message
 * on the `screening` queue, which re-screens only that person's payments (SCR-05).
 *
 * The whole body is validated before anything is written; a retried feed changes nothing more.
 */
import { parseRrn } from '../../domain/registry/identity';
import type { PersonRef } from '../../domain/screening/ports';
import { formatKst } from '../../domain/shared/calendar';
import { deathFeed, type EvidenceEvent, immigrationFeed } from '../../events/screening';
import { systemClock } from '../shared/clock';
import { mapConcurrent } from '../shared/dynamo/batch';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoScreeningStore } from '../shared/dynamo/screening-store';
import { ApiError } from '../shared/errors';
import { dispatch, json, route } from '../shared/http';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { personalDataVault } from '../shared/vault';
import { routes } from './routes';

let store: DynamoScreeningStore | undefined;
const db = () => (store ??= new DynamoScreeningStore(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000)));

/** RRNs whose shape or birth date is impossible are refused with their record's position. */
function canonicalRrns(records: { rrn: string }[]): string[] {
  const fields: { path: string; message: string }[] = [];
  const canonical = records.map((r, i) => {
    const parsed = parseRrn(r.rrn);
    if (!parsed) fields.push({ path: `records.${i}.rrn`, message: 'not a valid RRN' });
    return parsed?.canonical ?? '';
  });
  if (fields.length) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'the feed has invalid records; nothing was recorded', { fields });
  return canonical;
}

interface Matched {
  person: PersonRef;
  since: string;
}

async function ingest<R extends { rrn: string }>(records: R[], dateOf: (r: R) => string, write: (person: PersonRef, record: R, at: string) => Promise<void>) {
  const rrns = canonicalRrns(records);
  const vault = await personalDataVault();
  const at = formatKst(systemClock.now());
  const people = await mapConcurrent(rrns, 8, (rrn) => db().peopleByRrnHash(vault.lookupHash(rrn)));
  const matched = new Map<string, Matched>();
  let unknown = 0;
  await mapConcurrent(records.map((r, i) => ({ r, people: people[i]! })), 8, async ({ r, people: persons }) => {
    if (!persons.length) {
      unknown++;
      return;
    }
    for (const person of persons) {
      await write(person, r, at);
      const id = `${person.personKind}#${person.personId}`;
      const since = dateOf(r);
      const seen = matched.get(id);
      if (!seen || since < seen.since) matched.set(id, { person, since });
    }
  });
  const events: EvidenceEvent[] = [...matched.values()].map((m) => ({ version: 1, event: 'EVIDENCE_RECORDED', ...m.person, since: m.since, occurredAt: at }));
  for (let i = 0; i < events.length; i += 10) await sendAll('screening', events.slice(i, i + 10));
  return { received: records.length, matched: records.length - unknown, unknown, peopleRescreened: events.length };
}

export const deaths = route({ roles: ['agency'], body: deathFeed }, async ({ body }) => {
  const result = await ingest(body.records, (r) => r.deathDate, (person, r, at) => db().recordDeath(person, r.deathDate, at));
  logger.info('death feed recorded', result);
  return json(200, result);
});

export const immigration = route({ roles: ['agency'], body: immigrationFeed }, async ({ body }) => {
  const result = await ingest(body.records, (r) => r.date, (person, r, at) => db().recordMovement(person, r.date, r.direction, at));
  logger.info('immigration feed recorded', result);
  return json(200, result);
});

export { routes };
export const handler = dispatch(routes, { deaths, immigration });
