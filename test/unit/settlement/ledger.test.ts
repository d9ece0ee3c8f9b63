import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bucket, EMPTY_TOTALS, payable, planPayout, unsettled } from '../../../domain/settlement/ledger';

const bucket = (over: Partial<Bucket> = {}): Bucket => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-02', version: 1, ...over });

describe('PO-02 bucket amounts', () => {
  it('PO-02 approved minus cancelled, held and recovered, plus released holds and claims', () => {
    expect(payable(bucket({ approved: 100_000, cancelled: 10_000, held: 30_000, released: 20_000, recovered: 5_000, claims: 7_000 }))).toBe(82_000);
    expect(unsettled(bucket({ approved: 100_000, settled: 60_000 }))).toBe(40_000);
  });
});

describe('PO-03/04 payout plan', () => {
  it('PO-03 pays in full when the deposit covers it', () => {
    const plan = planPayout([bucket({ approved: 72_000 }), bucket({ day: '2026-03-03', approved: 36_000 })], () => 1_000_000);
    expect(plan.amount).toBe(108_000);
    expect(plan.deposits.get('44130')).toBe(108_000);
    expect(plan.delays).toEqual([]);
  });

  it('PO-03 pays the oldest days first and delays the rest with DEPOSIT_SHORTFALL', () => {
    const plan = planPayout([bucket({ day: '2026-03-05', approved: 50_000 }), bucket({ day: '2026-03-02', approved: 40_000 })], () => 60_000);
    expect(plan.amount).toBe(60_000);
    expect(plan.draws.map((d) => [d.bucket.day, d.amount])).toEqual([['2026-03-02', 40_000], ['2026-03-05', 20_000]]);
    expect(plan.delays).toEqual([{ municipalityCode: '44130', amount: 30_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-05' }]);
  });

  it('PO-03 draws each municipality\'s own deposit', () => {
    const plan = planPayout([bucket({ approved: 50_000 }), bucket({ municipalityCode: '11110', approved: 30_000 })], (m) => (m === '11110' ? 0 : 100_000));
    expect(plan.amount).toBe(50_000);
    expect(plan.delays).toEqual([expect.objectContaining({ municipalityCode: '11110', amount: 30_000, reason: 'DEPOSIT_SHORTFALL' })]);
  });

  it('PO-04 sends nothing when recoveries exceed payments, and carries the balance as NEGATIVE_NET', () => {
    const plan = planPayout([bucket({ approved: 20_000 }), bucket({ day: '2026-03-03', recovered: 36_000 })], () => 1_000_000);
    expect(plan).toMatchObject({ amount: 0, draws: [], delays: [{ amount: -16_000, reason: 'NEGATIVE_NET' }] });
  });

  it('PAY-11 a recovery is netted against the same municipality\'s payments', () => {
    const plan = planPayout([bucket({ approved: 100_000 }), bucket({ day: '2026-03-03', recovered: 36_000 })], () => 1_000_000);
    expect(plan.amount).toBe(64_000);
    expect(plan.deposits.get('44130')).toBe(64_000);
  });

  it('PO-08 a plan never creates or loses money: what it settles equals what it transfers, within every deposit', () => {
    const arbBucket = fc.record({
      municipalityCode: fc.constantFrom('44130', '11110', '26110'),
      day: fc.integer({ min: 1, max: 10 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`),
      approved: fc.integer({ min: 0, max: 500_000 }),
      recovered: fc.integer({ min: 0, max: 200_000 }),
      held: fc.integer({ min: 0, max: 100_000 }),
      settled: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(fc.property(fc.array(arbBucket, { maxLength: 30 }), fc.dictionary(fc.constantFrom('44130', '11110', '26110'), fc.integer({ min: 0, max: 2_000_000 })), (raw, balances) => {
      const buckets = raw.map((r) => bucket(r));
      const plan = planPayout(buckets, (m) => balances[m] ?? 0);
      const settledNow = plan.draws.reduce((n, d) => n + d.amount, 0);
      expect(plan.amount).toBe(settledNow);
      expect(plan.amount).toBeGreaterThanOrEqual(0);
      expect([...plan.deposits.values()].reduce((n, v) => n + v, 0)).toBe(plan.amount);
      for (const [m, drawn] of plan.deposits) expect(drawn).toBeLessThanOrEqual(balances[m] ?? 0);
      for (const d of plan.draws) {
        const left = unsettled(d.bucket) - d.amount;
        // A draw never pays more than a bucket owes, nor recovers more than it is owed.
        if (unsettled(d.bucket) > 0) expect(left).toBeGreaterThanOrEqual(0);
        else expect(left).toBeLessThanOrEqual(0);
      }
      const before = buckets.reduce((n, b) => n + unsettled(b), 0);
      const delayed = plan.delays.reduce((n, d) => n + d.amount, 0);
      expect(before).toBe(plan.amount + delayed);
    }), { numRuns: 500 });
  });
});

describe('ledger facts', () => {
  it('PO-02 approvals and same-day cancellations land on the approval day; PAY-11 refunds on the day of their approval', async () => {
    const { factOfPayment } = await import('../../../domain/settlement/ledger');
    const base = { approvalNumber: '26031000000001', providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', amount: 36_000, approvalDate: '2026-03-10' };
    expect(factOfPayment({ ...base, event: 'PAYMENT_APPROVED' })).toMatchObject({ factId: '26031000000001#APPROVED', day: '2026-03-10', deltas: { approved: 36_000 } });
    expect(factOfPayment({ ...base, event: 'PAYMENT_CANCELLED' })).toMatchObject({ day: '2026-03-10', deltas: { cancelled: 36_000 } });
    expect(factOfPayment({ ...base, event: 'PAYMENT_REFUNDED', recoveredOn: '2026-03-12' })).toMatchObject({ factId: '26031000000001#REFUNDED', day: '2026-03-12', deltas: { recovered: 36_000 } });
  });

  it('HOLD-02 a payment counts as held once, released when its last hold is released, and stays unpaid once denied', async () => {
    const { holdCountChange } = await import('../../../domain/settlement/ledger');
    expect(holdCountChange({ open: 0, denied: 0 }, { open: 1, denied: 0 }, 100)).toEqual({ held: 100 });
    expect(holdCountChange({ open: 1, denied: 0 }, { open: 1, denied: 0 }, 100)).toEqual({});
    expect(holdCountChange({ open: 2, denied: 0 }, { open: -1, denied: 0 }, 100)).toEqual({});
    expect(holdCountChange({ open: 1, denied: 0 }, { open: -1, denied: 0 }, 100)).toEqual({ released: 100 });
    expect(holdCountChange({ open: 1, denied: 0 }, { open: -1, denied: 1 }, 100)).toEqual({ denied: 100 });
    expect(holdCountChange({ open: 2, denied: 0 }, { open: -1, denied: 1 }, 100)).toEqual({ denied: 100 });
    expect(holdCountChange({ open: 1, denied: 1 }, { open: -1, denied: 0 }, 100)).toEqual({});
  });
});
