/** PO-02…04 corner cases of one provider × program's payout, and PO-02's ledger facts. */
import { describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, factOfPayment, planPayout, type Bucket } from '../../../domain/settlement/ledger';
import { payProvider } from '../../../domain/settlement/payouts';
import type { PayoutPort } from '../../../domain/settlement/ports';
import { stubPayoutPort } from '../../support/payout-port';

const run = { runId: '2026-03-1', runDate: '2026-03-12', cycle: '2026-03-1', payDate: '2026-03-13', throughDay: '2026-03-10' };
const account = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '기관' };
const bucket = (over: Partial<Bucket> = {}): Bucket => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-02', version: 1, approved: 72_000, ...over });
const port = (over: Partial<PayoutPort> = {}) => stubPayoutPort({ openBuckets: async () => [bucket()], ...over });
const now = new Date('2026-03-12T06:30:00+09:00');

describe('payProvider corner cases', () => {
  it('nothing open: no payout, no commit', async () => {
    const p = port({ openBuckets: async () => [] });
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', account, now)).toEqual({ kind: 'nothing' });
    expect(p.commits).toEqual([]);
  });

  it('only settled buckets left open: they are closed without a payout record', async () => {
    const p = port({ openBuckets: async () => [bucket({ settled: 72_000 })] });
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', account, now)).toEqual({ kind: 'nothing' });
    expect(p.commits).toEqual([null]);
  });

  it('PO-04 a payout that nets below zero sends nothing and carries the balance as NEGATIVE_NET', async () => {
    const p = port({ openBuckets: async () => [bucket({ approved: 10_000, day: '2026-03-02' }), bucket({ approved: 0, recovered: 30_000, day: '2026-03-05' })] });
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', account, now)).toMatchObject({ kind: 'delayed', payout: { amount: 0, status: 'DELAYED', delays: [{ reason: 'NEGATIVE_NET', amount: -20_000 }] } });
  });

  it('PO-03 the covered part is paid, oldest day first; the rest waits as DEPOSIT_SHORTFALL', async () => {
    const p = port({ openBuckets: async () => [bucket({ day: '2026-03-03', approved: 50_000 }), bucket({ day: '2026-03-02', approved: 40_000 })], depositBalance: async () => 60_000 });
    const outcome = await payProvider(p, run, 'P0001', 'COMMUNITY', account, now);
    expect(outcome).toMatchObject({ kind: 'paid', payout: { amount: 60_000, draws: [{ day: '2026-03-02', amount: 40_000 }, { day: '2026-03-03', amount: 20_000 }], delays: [{ reason: 'DEPOSIT_SHORTFALL', amount: 30_000, fromDay: '2026-03-03' }] } });
  });

  it('a payout another run wrote first is the one answered', async () => {
    const theirs = { payoutId: 'PO-2026-03-1-P0001-COMMUNITY', amount: 72_000 };
    let reads = 0;
    const p = port({ existing: async () => (reads++ === 0 ? null : (theirs as never)), commit: async () => 'exists' });
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', account, now)).toEqual({ kind: 'existing', payout: theirs });
  });

  it('buckets that keep changing make the run fail loudly, to be repeated', async () => {
    await expect(payProvider(port({ commit: async () => 'conflict' }), run, 'P0001', 'COMMUNITY', account, now)).rejects.toThrow(/kept changing/);
  });
});

describe('PO-02 netting within a municipality', () => {
  it('PO-02 a recovery is netted against the same municipality\'s payments before the deposit is drawn', () => {
    const plan = planPayout([bucket({ approved: 50_000 }), bucket({ day: '2026-03-04', approved: 0, recovered: 20_000 })], () => 1_000_000);
    expect(plan).toMatchObject({ amount: 30_000, deposits: new Map([['44130', 30_000]]), delays: [] });
  });
});

describe('PO-02 ledger facts of payment events', () => {
  const event = { approvalNumber: '26031000000001', providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', amount: 36_000, approvalDate: '2026-03-10' };
  it('an approval, a cancellation and a refund each move their bucket once; a refund on the day it was approved', () => {
    expect(factOfPayment({ ...event, event: 'PAYMENT_APPROVED' })).toMatchObject({ factId: '26031000000001#APPROVED', day: '2026-03-10', deltas: { approved: 36_000 } });
    expect(factOfPayment({ ...event, event: 'PAYMENT_CANCELLED' })).toMatchObject({ factId: '26031000000001#CANCELLED', deltas: { cancelled: 36_000 } });
    expect(factOfPayment({ ...event, event: 'PAYMENT_REFUNDED', recoveredOn: '2026-03-16' })).toMatchObject({ day: '2026-03-16', deltas: { recovered: 36_000 } });
    expect(factOfPayment({ ...event, event: 'PAYMENT_REFUNDED' })).toMatchObject({ day: '2026-03-10' });
    expect(factOfPayment({ ...event, municipalityCode: null as never, event: 'PAYMENT_APPROVED' })).toBeNull();
  });
});
