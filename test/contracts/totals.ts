/**
 * PO-08 totals' contract: a change's deltas are added once however often it is delivered, alone or
 * among new ones; the report reads the sums of every change per municipality × program, and every
 * deposit account. One suite, run against the in-memory fake (test/unit) and the DynamoDB store
 * (test/integration).
 */
import { expect, it } from 'vitest';
import type { DepositPort } from '../../domain/settlement/ports';
import type { ConservationPort, TotalsDelta, TotalsPort } from '../../domain/settlement/totals';
import { contractSuite } from './suite';

export interface TotalsUnderTest {
  totals: TotalsPort & ConservationPort;
  deposits: DepositPort;
}

let n = 0;
const id = () => `chg-${process.pid}-${Date.now()}-${++n}`;

export function totalsContract(name: string, make: () => Promise<TotalsUnderTest>) {
  contractSuite(`totals contract: ${name}`, make, (t) => {
    const row = async (municipalityCode: string) => (await t.totals.conservationTotals()).totals.find((r) => r.municipalityCode === municipalityCode && r.programCode === 'COMMUNITY');

    it('PO-08: a change is added once, whether delivered again alone or in a batch with new changes', async () => {
      const m = '51001';
      const approved = { changeId: id(), deltas: [{ municipalityCode: m, programCode: 'COMMUNITY', paymentsApproved: 36_000, bucket: { approved: 36_000 } }] };
      await t.totals.applyOnce([approved]);
      await t.totals.applyOnce([approved]);
      const cancelled = { changeId: id(), deltas: [{ municipalityCode: m, programCode: 'COMMUNITY', paymentsCancelled: 36_000 }] };
      await t.totals.applyOnce([approved, cancelled, cancelled]);
      expect(await row(m)).toMatchObject({ paymentsApproved: 36_000, paymentsCancelled: 36_000, voucherGranted: 0, bucket: { approved: 36_000, cancelled: 0, settled: 0 } });
    });

    it('PO-08: the totals are the sum of every change of a municipality × program, in batches larger than one write', async () => {
      const m = '51002';
      const changes = Array.from({ length: 130 }, (_, i) => ({ changeId: id(), deltas: [{ municipalityCode: m, programCode: 'COMMUNITY', voucherGranted: 1_000 + i, voucherRemaining: i } as TotalsDelta] }));
      await t.totals.applyOnce(changes.slice(0, 70));
      await t.totals.applyOnce(changes);
      const sum = (f: (i: number) => number) => changes.reduce((s, _, i) => s + f(i), 0);
      expect(await row(m)).toMatchObject({ voucherGranted: sum((i) => 1_000 + i), voucherRemaining: sum((i) => i) });
    });

    it('PO-08: one change may move money in several municipalities (a payout\'s draws); deposit accounts are listed with their running totals', async () => {
      await t.totals.applyOnce([{ changeId: id(), deltas: [
        { municipalityCode: '51003', programCode: 'COMMUNITY', payoutDraws: 10_000, payoutDepositDraws: 10_000, payouts: 1 },
        { municipalityCode: '51004', programCode: 'COMMUNITY', payoutDraws: 5_000, payoutDepositDraws: 5_000 },
      ] }]);
      expect(await row('51003')).toMatchObject({ payoutDraws: 10_000, payoutDepositDraws: 10_000, payouts: 1 });
      expect(await row('51004')).toMatchObject({ payoutDraws: 5_000, payouts: 0 });
      await t.deposits.deposit({ depositId: id(), municipalityCode: '51003', programCode: 'COMMUNITY', amount: 50_000, depositedAt: '2026-03-01T09:00:00+09:00', recordedBy: 'm', at: '2026-03-01T09:00:00+09:00' });
      expect((await t.totals.conservationTotals()).deposits).toContainEqual({ municipalityCode: '51003', programCode: 'COMMUNITY', balance: 50_000, depositedTotal: 50_000, paidTotal: 0 });
    });
  });
}
