/**
 * Regression (money always right, point 7): a payout's statement was assembled from the payout's
 * days, so an ad-hoc payout for one released hold listed every payment of that day, and an
 * approved claim paid later also appeared on the earlier regular payout. PO-07: a statement lists
 * what that payout itself settled.
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../domain/payments/claims';
import type { Payment } from '../../domain/payments/payment';
import type { Payout } from '../../domain/settlement/payout';
import { settledBy, type StatementCandidates, type StatementPayment, statementCsv } from '../../domain/settlement/statements';

const payment = (n: number, over: Partial<StatementPayment> = {}): StatementPayment =>
  ({
    approvalNumber: `2603100000000${n}`, transactionId: `T-${n}`, terminalSerial: 'VT11-000001', channel: 'TERMINAL', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101',
    workerId: 'W0001', workerPaymentId: '20000001', recipientId: `R000${n}`, cardNumber: '9410000000000001', municipalityCode: '44130', amount: 36_000, kind: 'NORMAL', reason: null,
    serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', voucherMonth: '2026-03', approvedAt: `2026-03-10T1${n}:05:00+09:00`, screenedAt: `2026-03-10T1${n}:05:02+09:00`,
    approvalDate: '2026-03-10', status: 'APPROVED', ...over,
  }) as Payment;

const draw = { day: '2026-03-10', municipalityCode: '44130' };
const payout = (id: string, createdAt: string, amount: number): Payout => ({
  payoutId: id, runId: id, providerId: 'P0001', programCode: 'COMMUNITY', cycle: id.includes('adhoc') ? 'adhoc' : '2026-03-1', payDate: '2026-03-13', payDateReason: null, amount, status: 'SCHEDULED', resultCode: null,
  account: null, draws: [{ ...draw, amount }], deposits: [{ municipalityCode: '44130', amount }], delays: [], createdAt,
});

// 10 March: two payments; the second was held by screening and released on the 16th. A claim approved on the 16th is put on the 10th.
const regular = payout('PO-2026-03-1-P0001-COMMUNITY', '2026-03-11T01:00:05+09:00', 36_000);
const adhoc = payout('PO-adhoc-2026-03-17-P0001-COMMUNITY', '2026-03-17T07:00:05+09:00', 72_000);
const claim = { claimId: 'CL1', providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', payableOn: '2026-03-10', decidedAt: '2026-03-16T11:00:00+09:00', serviceDate: '2026-02-20', recipientId: 'R0009', workerId: 'W0001', reason: 'CARD_LOST', amount: 36_000, state: 'APPROVED' } as Claim;
const candidates: StatementCandidates = {
  payments: [payment(1), payment(2, { holdsOpen: 0, releasedAt: '2026-03-16T10:00:00+09:00' })],
  recoveries: [],
  claims: [claim],
  payouts: [regular, adhoc],
};

describe('PO-07 a statement lists what its payout settled', () => {
  it('PO-07 the regular payout: the payment it paid, the one it held back; not the claim approved after it', () => {
    const facts = settledBy(regular, candidates);
    expect(facts.payments.map((p) => [p.approvalNumber, p.shownAs ?? 'PAID'])).toEqual([['26031000000001', 'PAID'], ['26031000000002', 'HELD']]);
    expect(facts.claims).toEqual([]);
  });

  it('PO-07 the ad-hoc payout: the released hold and the claim, not the rest of the day', () => {
    const facts = settledBy(adhoc, candidates);
    expect(facts.payments.map((p) => [p.approvalNumber, p.shownAs])).toEqual([['26031000000002', 'RELEASED']]);
    expect(facts.claims.map((c) => c.claimId)).toEqual(['CL1']);
    const lines = statementCsv(adhoc, facts).slice(1).split('\r\n');
    expect(lines.filter((l) => l.startsWith('PAYMENT,')).map((l) => l.split(',')[1])).toEqual(['26031000000002']);
  });

  it('PO-07 a payment screening finished with after the run is settled by the next payout, not by the run', () => {
    const late = payment(3, { screenedAt: '2026-03-11T08:00:00+09:00' });
    const c = { ...candidates, payments: [late] };
    expect(settledBy(regular, c).payments).toEqual([]);
    expect(settledBy(adhoc, c).payments.map((p) => p.approvalNumber)).toEqual([late.approvalNumber]);
  });

  it('PO-07 a returned payout (CMS-04) settled nothing for good: the payout that pays again lists what it pays', () => {
    const c = { ...candidates, payouts: [{ ...regular, status: 'FAILED' as const }, adhoc] };
    expect(settledBy(adhoc, c).payments.map((p) => p.approvalNumber)).toEqual(['26031000000001', '26031000000002']);
  });
});
