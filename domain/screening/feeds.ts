/**
 * Evidence feeds (SCR-03/04/05): death and immigration records name people by RRN. Each RRN is
 * turned into the keyed look-up hash at once, matched to recipients and workers, and never kept.
 * Unknown RRNs are counted and ignored. Each matched person is re-screened once, from the
 * earliest date the feed names for them (SCR-05). The whole feed is checked before anything is
 * recorded; a retried feed records nothing new.
 */
import { parseRrn } from '../registry/identity';
import { formatKst, type IsoDate } from '../shared/calendar';
import { mapConcurrent } from '../shared/concurrency';
import type { Clock } from '../shared/ports';
import type { Issue } from '../shared/result';
import type { EvidencePort, PersonRef } from './ports';

/** Look-ups and writes in flight per feed. */
const CONCURRENCY = 8;

export interface Rescreen extends PersonRef {
  since: IsoDate;
  occurredAt: string;
}

export interface FeedDeps {
  evidence: EvidencePort;
  /** The keyed hash an RRN is looked up by (the vault's; the RRN itself is never stored). */
  lookupHash(canonicalRrn: string): string;
  /** Asks screening to look again at these people's payments (SCR-05). */
  rescreen(people: Rescreen[]): Promise<void>;
  clock: Clock;
}

export type DeathRecord = { rrn: string; deathDate: IsoDate };
export type MovementRecord = { rrn: string; date: IsoDate; direction: 'DEPARTURE' | 'ENTRY' };

export interface FeedSummary {
  received: number;
  matched: number;
  unknown: number;
  peopleRescreened: number;
}

export type FeedResult = { ok: true; summary: FeedSummary } | { ok: false; issues: Issue[] };

/** RRNs whose shape or birth date is impossible are refused with their record's position. */
function canonicalRrns(records: readonly { rrn: string }[]): { ok: true; rrns: string[] } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const rrns = records.map((r, i) => {
    const parsed = parseRrn(r.rrn);
    if (!parsed) issues.push({ path: `records.${i}.rrn`, code: 'INVALID_RRN', message: 'not a valid RRN', rule: 'SCR-05' });
    return parsed?.canonical ?? '';
  });
  return issues.length ? { ok: false, issues } : { ok: true, rrns };
}

async function ingest<R extends { rrn: string }>(deps: FeedDeps, records: readonly R[], dateOf: (r: R) => IsoDate, record: (person: PersonRef, r: R, at: string) => Promise<void>): Promise<FeedResult> {
  const checked = canonicalRrns(records);
  if (!checked.ok) return checked;
  const at = formatKst(deps.clock.now());
  const people = await mapConcurrent(checked.rrns, CONCURRENCY, (rrn) => deps.evidence.peopleByRrnHash(deps.lookupHash(rrn)));
  const earliest = new Map<string, { person: PersonRef; since: IsoDate }>();
  let unknown = 0;
  await mapConcurrent(records.map((r, i) => ({ r, persons: people[i]! })), CONCURRENCY, async ({ r, persons }) => {
    if (!persons.length) {
      unknown++;
      return;
    }
    for (const person of persons) {
      await record(person, r, at);
      const id = `${person.personKind}#${person.personId}`;
      const since = dateOf(r);
      const seen = earliest.get(id);
      if (!seen || since < seen.since) earliest.set(id, { person, since });
    }
  });
  const rescreen = [...earliest.values()].map((m) => ({ ...m.person, since: m.since, occurredAt: at }));
  await deps.rescreen(rescreen);
  return { ok: true, summary: { received: records.length, matched: records.length - unknown, unknown, peopleRescreened: rescreen.length } };
}

/** SCR-03: deaths (a later record for the same person replaces the earlier: corrections win). */
export const recordDeaths = (deps: FeedDeps, records: readonly DeathRecord[]) =>
  ingest(deps, records, (r) => r.deathDate, (person, r, at) => deps.evidence.recordDeath(person, r.deathDate, at));

/** SCR-04: departures and entries. */
export const recordMovements = (deps: FeedDeps, records: readonly MovementRecord[]) =>
  ingest(deps, records, (r) => r.date, (person, r, at) => deps.evidence.recordMovement(person, r.date, r.direction, at));
