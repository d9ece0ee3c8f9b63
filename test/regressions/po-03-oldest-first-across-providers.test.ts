/**
 * Regression (money always right, point 5): when several providers drew on one short deposit,
 * who was paid depended on the order in which the run's shards ran: each payout took what the
 * deposit still held when it came. PO-03: the covered part goes to the oldest approval days
 * across all providers drawing on that deposit (the same day in provider id order), and the
 * result never depends on the order in which the parts of a run execute.
 */
import { describe, expect, it } from 'vitest';
import type { PayoutAccount } from '../../domain/registry/entities';
import { allocateDeposit } from '../../domain/settlement/allocation';
import { EMPTY_TOTALS, type Bucket } from '../../domain/settlement/ledger';
import type { Payout } from '../../domain/settlement/payout';
import { payShard } from '../../domain/settlement/payouts';
import { InMemorySettlement } from '../fakes/settlement-store';

const clock = { now: () => new Date('2026-03-11T01:00:00+09:00') };
const run = { runId: '2026-03-1', runDate: '2026-03-11', cycle: '2026-03-1', payDate: '2026-03-13', throughDay: '2026-03-10' };
const account = (providerId: string): PayoutAccount => ({ programCode: 'COMMUNITY', bankCode: '004', accountNumber: `1234567890${providerId.slice(1)}`, holder: providerId });

/** Three providers, each in its own shard, drawing on 11110's deposit of 100,000 for 160,000 of payments. */
const approvals: [providerId: string, day: string, amount: number][] = [
  ['P3', '2026-03-02', 30_000],
  ['P1', '2026-03-03', 40_000],
  ['P2', '2026-03-03', 40_000],
  ['P1', '2026-03-05', 20_000],
  ['P2', '2026-03-02', 30_000],
];

async function runInShardOrder(order: number[], oneAfterAnother = false) {
  const s = new InMemorySettlement();
  await s.deposit({ depositId: 'D1', municipalityCode: '11110', programCode: 'COMMUNITY', amount: 100_000, depositedAt: '2026-03-01T09:00:00+09:00', recordedBy: 'm', at: '2026-03-01T09:00:00+09:00' });
  for (const [i, [providerId, day, amount]] of approvals.entries()) await s.apply({ factId: `F${i}`, providerId, programCode: 'COMMUNITY', municipalityCode: '11110', day, deltas: { approved: amount } });
  for (const [shard, providerId] of ['P1', 'P2', 'P3'].entries()) s.payeesByShard.set(shard, [{ providerId, businessNumber: `10${shard}`, accounts: [account(providerId)] }]);
  const deps = { engine: s.engine, records: s, transfers: { queue: async (p: Payout) => s.markInstructionQueued(p.payoutId, 'at') }, programs: async () => ['COMMUNITY'], clock };
  // The shards run at once in the given order of start, or each finished before the next starts.
  if (oneAfterAnother) for (const shard of order) await payShard(deps, run, shard);
  else await Promise.all(order.map((shard) => payShard(deps, run, shard)));
  const payouts = [...s.payouts.values()].sort((a, b) => a.payoutId.localeCompare(b.payoutId)).map((p) => ({ providerId: p.providerId, amount: p.amount, draws: p.draws, delays: p.delays }));
  return { payouts, balance: (await s.account('11110', 'COMMUNITY')).balance };
}

const permutations = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));

describe('PO-03 a short deposit is shared oldest first across providers', () => {
  it('PO-03 100,000 for 160,000: 2 March (P2, P3: 60,000), then 3 March by provider id (P1 40,000); P2 and P1 wait for the rest', async () => {
    const { payouts, balance } = await runInShardOrder([0, 1, 2]);
    expect(balance).toBe(0);
    expect(payouts).toEqual([
      { providerId: 'P1', amount: 40_000, draws: [{ day: '2026-03-03', municipalityCode: '11110', amount: 40_000 }], delays: [{ municipalityCode: '11110', amount: 20_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-05' }] },
      { providerId: 'P2', amount: 30_000, draws: [{ day: '2026-03-02', municipalityCode: '11110', amount: 30_000 }], delays: [{ municipalityCode: '11110', amount: 40_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-03' }] },
      { providerId: 'P3', amount: 30_000, draws: [{ day: '2026-03-02', municipalityCode: '11110', amount: 30_000 }], delays: [] },
    ]);
  });

  it('PO-03 the same run with its shards in every order gives identical payouts and delays', async () => {
    const first = await runInShardOrder([0, 1, 2]);
    for (const order of permutations([0, 1, 2])) {
      expect(await runInShardOrder(order), `shards started in order ${order.join(',')}`).toEqual(first);
      expect(await runInShardOrder(order, true), `shards one after another in order ${order.join(',')}`).toEqual(first);
    }
  });

  it('PO-03 the allocation itself: a covered deposit is not shared out; a short one is cut at the oldest day it cannot cover, partly paying that day', () => {
    const b = (providerId: string, day: string, approved: number): Bucket => ({ ...EMPTY_TOTALS, providerId, programCode: 'COMMUNITY', municipalityCode: '11110', day, version: 1, approved });
    const buckets = [b('P2', '2026-03-03', 40_000), b('P1', '2026-03-03', 40_000), b('P3', '2026-03-02', 30_000)];
    expect(allocateDeposit(run, '11110', 'COMMUNITY', 110_000, buckets)).toMatchObject({ short: false, demand: 110_000, shares: {} });
    expect(allocateDeposit(run, '11110', 'COMMUNITY', 50_000, buckets)).toMatchObject({ short: true, shares: { P3: 30_000, P1: 20_000 } });
    expect(allocateDeposit(run, '11110', 'COMMUNITY', -5, buckets)).toMatchObject({ short: true, balance: 0, shares: {} });
    // What screening has not finished with is not demand (PO-02).
    expect(allocateDeposit(run, '11110', 'COMMUNITY', 50_000, [...buckets.slice(0, 2), { ...buckets[2]!, unscreened: 30_000 }])).toMatchObject({ short: true, demand: 80_000, shares: { P1: 40_000, P2: 10_000 } });
  });
});
