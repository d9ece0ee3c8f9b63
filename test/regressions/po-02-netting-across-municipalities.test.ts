/**
 * Regression (money always right, point 4): refunds netted only within one municipality. A 36,000
 * refund of a recipient of 11110 and 72,000 of payments of recipients of 44130 transferred 72,000
 * and carried −36,000; PO-02 nets over provider × program and transfers 36,000, crediting the
 * recovery back to 11110's deposit.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, planPayout, type Bucket } from '../../domain/settlement/ledger';

const bucket = (over: Partial<Bucket>): Bucket => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-02', version: 1, ...over });
const refund11110 = bucket({ municipalityCode: '11110', day: '2026-03-03', recovered: 36_000 });
const payments44130 = bucket({ approved: 72_000 });

describe('PO-02 netting across municipalities', () => {
  it('PO-02 72,000 of 44130 payments less a 36,000 recovery of 11110 transfers 36,000; 44130 pays 72,000 and 11110 is credited 36,000', () => {
    const plan = planPayout([payments44130, refund11110], () => 1_000_000);
    expect(plan.amount).toBe(36_000);
    expect(plan.delays).toEqual([]);
    expect([...plan.deposits]).toEqual([['11110', -36_000], ['44130', 72_000]]);
    expect(plan.draws.map((d) => [d.bucket.municipalityCode, d.amount])).toEqual([['11110', -36_000], ['44130', 72_000]]);
  });

  it('PO-02/03 a recovery is offset only against what is paid now: with 44130 short, the rest of it is carried', () => {
    // 44130 can pay 20,000 of its 72,000: the 11110 recovery is offset by 20,000 and 16,000 stays owed.
    const plan = planPayout([payments44130, refund11110], (m) => (m === '44130' ? 20_000 : 0));
    expect(plan.amount).toBe(0);
    expect([...plan.deposits]).toEqual([['11110', -20_000], ['44130', 20_000]]);
    expect(plan.delays).toEqual([
      { municipalityCode: '11110', amount: -16_000, reason: 'NEGATIVE_NET', fromDay: '2026-03-03' },
      { municipalityCode: '44130', amount: 52_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-02' },
    ]);
  });

  it('PO-03 a municipality\'s own recovery still lowers what its deposit must cover', () => {
    const plan = planPayout([bucket({ approved: 72_000, recovered: 36_000 })], () => 36_000);
    expect(plan).toMatchObject({ amount: 36_000, delays: [] });
    expect([...plan.deposits]).toEqual([['44130', 36_000]]);
  });
});
