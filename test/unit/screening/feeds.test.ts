/** SCR-03/04/05 evidence feeds on the in-memory evidence store. */
import { describe, expect, it } from 'vitest';
import { type FeedDeps, recordDeaths, recordMovements, type Rescreen } from '../../../domain/screening/feeds';
import { inMemoryScreening } from '../../fakes/screening-store';

function world() {
  const fake = inMemoryScreening();
  const rescreened: Rescreen[][] = [];
  const deps: FeedDeps = { evidence: fake.evidencePort, lookupHash: (rrn) => `h(${rrn})`, rescreen: async (people) => void rescreened.push(people), clock: { now: () => new Date('2026-03-20T10:00:00+09:00') } };
  return { fake, deps, rescreened };
}

describe('SCR-05 feeds', () => {
  it('SCR-03: a death is recorded for every person the RRN names; unknown RRNs are counted', async () => {
    const w = world();
    w.fake.person('h(8501011234567)', { personKind: 'RECIPIENT', personId: 'R1' });
    w.fake.person('h(8501011234567)', { personKind: 'WORKER', personId: 'W1' });
    const result = await recordDeaths(w.deps, [{ rrn: '850101-1234567', deathDate: '2026-03-01' }, { rrn: '900101-1234567', deathDate: '2026-03-02' }]);
    expect(result).toEqual({ ok: true, summary: { received: 2, matched: 1, unknown: 1, peopleRescreened: 2 } });
    expect((await w.fake.evidencePort.people([{ personKind: 'WORKER', personId: 'W1' }]))[0]).toMatchObject({ deathDate: '2026-03-01' });
    expect(w.rescreened[0]!.map((r) => r.personId).sort()).toEqual(['R1', 'W1']);
  });

  it('SCR-04: movements are kept once each; a person is re-screened once, from the earliest date', async () => {
    const w = world();
    w.fake.person('h(8501011234567)', { personKind: 'RECIPIENT', personId: 'R1' });
    const records = [
      { rrn: '8501011234567', date: '2026-03-05', direction: 'ENTRY' as const },
      { rrn: '850101-1234567', date: '2026-03-01', direction: 'DEPARTURE' as const },
    ];
    await recordMovements(w.deps, records);
    await recordMovements(w.deps, records);
    expect((await w.fake.evidencePort.people([{ personKind: 'RECIPIENT', personId: 'R1' }]))[0]!.movements).toHaveLength(2);
    expect(w.rescreened[0]).toEqual([{ personKind: 'RECIPIENT', personId: 'R1', since: '2026-03-01', occurredAt: '2026-03-20T10:00:00+09:00' }]);
  });

  it('a feed with an impossible RRN records nothing and names the record', async () => {
    const w = world();
    w.fake.person('h(8501011234567)', { personKind: 'RECIPIENT', personId: 'R1' });
    expect(await recordDeaths(w.deps, [{ rrn: '850101-1234567', deathDate: '2026-03-01' }, { rrn: '851301-1234567', deathDate: '2026-03-01' }])).toEqual({
      ok: false, issues: [{ path: 'records.1.rrn', code: 'INVALID_RRN', message: 'not a valid RRN', rule: 'SCR-05' }],
    });
    expect((await w.fake.evidencePort.people([{ personKind: 'RECIPIENT', personId: 'R1' }]))[0]!.deathDate).toBeNull();
    expect(w.rescreened).toEqual([]);
  });
});
