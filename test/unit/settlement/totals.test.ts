/**
 * PO-08 on maintained totals: every money item change adds its deltas; the identities hold after
 * a month's worked story, and a change lost or applied twice on one side shows as a difference.
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund } from '../../../domain/payments/refunds';
import { type Bucket, EMPTY_TOTALS } from '../../../domain/settlement/ledger';
import type { Payout } from '../../../domain/settlement/payout';
import { addDeltas, applyMoneyChanges, conservationFromTotals, conservationReport, EMPTY_MONEY_TOTALS, type MoneyItemChange, type MoneyTotals, totalsDeltas } from '../../../domain/settlement/totals';
import { InMemorySettlement } from '../../fakes/settlement-store';
import { InMemoryTotals } from '../../fakes/totals-store';
import type { Voucher } from '../../../domain/vouchers/voucher';

const m = { municipalityCode: '44130', programCode: 'COMMUNITY' };
const voucher = (remainingAmount: number) => ({ recipientId: 'R1', serviceCode: '110101', month: '2026-03', grade: '1', grantedAmount: 144_000, grantedSessions: 4, perSessionAmount: 36_000, contractId: 'C1', providerId: 'P1', generatedAt: 't', ...m, remainingAmount }) as Voucher & { remainingAmount: number };
const payment = (approvalNumber: string, status: Payment['status'] = 'APPROVED') => ({ approvalNumber, providerId: 'P1', amount: 36_000, status, ...m }) as Payment;
const bucket = (over: Partial<Bucket>): Bucket => ({ ...EMPTY_TOTALS, providerId: 'P1', day: '2026-03-02', version: 1, ...m, ...over });
const refund = (state: Refund['state'], restored?: boolean) => ({ refundId: 'RF1', approvalNumber: 'A', providerId: 'P1', amount: 36_000, state, ...(restored === undefined ? {} : { restored }), ...m }) as Refund;
const claim = (state: Claim['state']) => ({ claimId: 'CL1', providerId: 'P1', amount: 20_000, state, ...m }) as Claim;
const payout = (over: Partial<Payout & { returnedAt: string }> = {}) => ({ payoutId: 'PO1', providerId: 'P1', programCode: 'COMMUNITY', amount: 20_000, status: 'SCHEDULED', draws: [{ day: '2026-03-02', municipalityCode: '44130', amount: 20_000 }], deposits: [{ municipalityCode: '44130', amount: 20_000 }], ...over }) as Payout & { returnedAt?: string };

/** A month of one voucher: two payments (one cancelled), a restored refund, a claim, a payout and its return. */
const story: MoneyItemChange[] = [
  { kind: 'Voucher', before: null, after: voucher(144_000) },
  // A approved
  { kind: 'Voucher', before: voucher(144_000), after: voucher(108_000) },
  { kind: 'Payment', before: null, after: payment('A') },
  { kind: 'LedgerBucket', before: null, after: bucket({ approved: 36_000 }) },
  // B approved and cancelled the same day
  { kind: 'Voucher', before: voucher(108_000), after: voucher(72_000) },
  { kind: 'Payment', before: null, after: payment('B') },
  { kind: 'LedgerBucket', before: bucket({ approved: 36_000 }), after: bucket({ approved: 72_000 }) },
  { kind: 'Voucher', before: voucher(72_000), after: voucher(108_000) },
  { kind: 'Payment', before: payment('B'), after: payment('B', 'CANCELLED') },
  { kind: 'LedgerBucket', before: bucket({ approved: 72_000 }), after: bucket({ approved: 72_000, cancelled: 36_000 }) },
  // A held and released: no money changes hands, only the bucket's held/released
  { kind: 'Payment', before: payment('A'), after: { ...payment('A'), holdsOpen: 1 } as Payment },
  { kind: 'LedgerBucket', before: bucket({ approved: 72_000, cancelled: 36_000 }), after: bucket({ approved: 72_000, cancelled: 36_000, held: 36_000, released: 36_000 }) },
  // A refunded, restored to the voucher
  { kind: 'Refund', before: null, after: refund('REQUESTED') },
  { kind: 'Refund', before: refund('REQUESTED'), after: refund('APPROVED', true) },
  { kind: 'Payment', before: payment('A'), after: payment('A', 'REFUNDED') },
  { kind: 'Voucher', before: voucher(108_000), after: voucher(144_000) },
  { kind: 'LedgerBucket', before: bucket({ approved: 72_000, cancelled: 36_000, held: 36_000, released: 36_000 }), after: bucket({ approved: 72_000, cancelled: 36_000, held: 36_000, released: 36_000, recovered: 36_000 }) },
  // a claim approved
  { kind: 'Claim', before: null, after: claim('RECEIVED') },
  { kind: 'Claim', before: claim('RECEIVED'), after: claim('APPROVED') },
  { kind: 'LedgerBucket', before: bucket({ recovered: 36_000 }), after: bucket({ recovered: 36_000, claims: 20_000 }) },
  // the payout of 20,000 (the claim), and its transfer refused and given back (CMS-04)
  { kind: 'Payout', before: null, after: payout() },
  { kind: 'LedgerBucket', before: bucket({}), after: bucket({ settled: 20_000 }) },
  { kind: 'Payout', before: payout(), after: payout({ status: 'SENT' }) },
  { kind: 'Payout', before: payout({ status: 'SENT' }), after: payout({ status: 'FAILED', returnedAt: 't' }) },
  { kind: 'LedgerBucket', before: bucket({ settled: 20_000 }), after: bucket({}) },
];

const run = (changes: MoneyItemChange[]): MoneyTotals => changes.flatMap(totalsDeltas).reduce(addDeltas, EMPTY_MONEY_TOTALS);
const account = { ...m, depositedTotal: 1_000_000, paidTotal: 0, balance: 1_000_000 };

/** Session programs only: the minutes identity holds at zero. */
const NO_MINUTES = { granted: 0, remaining: 0, lapsed: 0, approved: 0, cancelled: 0, restored: 0 };

describe('PO-08 totals', () => {
  it('the month\'s story balances: 144,000 granted = 144,000 remaining + 72,000 approved − 36,000 cancelled − 36,000 restored; the claim paid and given back', () => {
    const totals = run(story);
    expect(totals).toMatchObject({ voucherGranted: 144_000, voucherRemaining: 144_000, paymentsApproved: 72_000, paymentsCancelled: 36_000, paymentsRefunded: 36_000, refundsRestored: 36_000, claimsApproved: 20_000, payoutDraws: 0, payoutDepositDraws: 0 });
    expect(totals.bucket).toEqual({ approved: 72_000, cancelled: 36_000, held: 36_000, released: 36_000, denied: 0, recovered: 36_000, claims: 20_000, settled: 0, unscreened: 0 });
    expect(totals.payouts).toBe(1); // made once; its return gives the money back, not the record
    expect(conservationFromTotals([{ ...m, ...totals }], [account])).toEqual({
      balanced: true, checked: { depositAccounts: 1, municipalityPrograms: 1, payouts: 1 }, differences: [],
      // payable 20,000 = 72,000 approved − 36,000 cancelled − 36,000 held + 36,000 released − 36,000 recovered + 20,000 claims
      totals: { deposited: 1_000_000, paidOut: 0, depositBalance: 1_000_000, granted: 144_000, remaining: 144_000, lapsed: 0, approved: 72_000, cancelled: 36_000, refunded: 36_000, restored: 36_000, claims: 20_000, payable: 20_000, settled: 0, minutes: NO_MINUTES },
    });
  });

  it('VCH-04 the lapse is a term of the voucher identity: after May 1st the 144,000 remaining lapses and it still balances', () => {
    const lapse: MoneyItemChange = { kind: 'Voucher', before: voucher(144_000), after: { ...voucher(0), lapsedAmount: 144_000 } };
    const totals = run([...story, lapse]);
    expect(totals).toMatchObject({ voucherGranted: 144_000, voucherRemaining: 0, voucherLapsed: 144_000 });
    const report = conservationFromTotals([{ ...m, ...totals }], [account]);
    expect(report).toMatchObject({ balanced: true, totals: { granted: 144_000, remaining: 0, lapsed: 144_000 } });
    // A lapse counted twice would show.
    expect(conservationFromTotals([{ ...m, ...run([...story, lapse, { kind: 'Voucher', before: voucher(0), after: { ...voucher(0), lapsedAmount: 288_000 } }]) }], [account]).balanced).toBe(false);
  });

  it('a change that moves no money adds nothing: a hold count, a payout sent, a refund or claim rejected', () => {
    expect(totalsDeltas({ kind: 'Payment', before: payment('A'), after: { ...payment('A'), holdsOpen: 1 } as Payment })).toEqual([]);
    expect(totalsDeltas({ kind: 'Payout', before: payout(), after: payout({ status: 'SENT' }) })).toEqual([]);
    expect(totalsDeltas({ kind: 'Refund', before: refund('REQUESTED'), after: refund('REJECTED') })).toEqual([]);
    expect(totalsDeltas({ kind: 'Refund', before: refund('REQUESTED'), after: refund('APPROVED', false) })).toEqual([]);
    expect(totalsDeltas({ kind: 'Claim', before: claim('RECEIVED'), after: claim('REJECTED') })).toEqual([]);
    expect(totalsDeltas({ kind: 'Payment', before: payment('A'), after: null })).toEqual([]);
  });

  it('a voucher write lost on one side shows: the payment is counted but the voucher never moved', () => {
    const lost = story.filter((_, i) => i !== 1);
    expect(conservationFromTotals([{ ...m, ...run(lost) }], [account]).differences).toEqual([{ identity: 'granted - remaining - lapsed = approved - cancelled - restored', subject: '44130/COMMUNITY', expected: -36_000, actual: 0 }]);
  });

  it('a ledger fact applied twice shows, and a payout whose bucket never settled shows', () => {
    const twice = [...story, story[3]!];
    expect(conservationFromTotals([{ ...m, ...run(twice) }], [account]).differences.map((d) => d.identity)).toEqual(['bucket approvals = payments approved']);
    const unsettled = story.slice(0, 21);
    const paid = { ...account, paidTotal: 20_000, balance: 980_000 };
    expect(conservationFromTotals([{ ...m, ...run(unsettled) }], [paid]).differences).toEqual([{ identity: 'bucket settled = payout draws from it', subject: '44130/COMMUNITY', expected: 20_000, actual: 0 }]);
  });

  it('deposits: in = out + balance, never negative, and paid out = what payouts drew, also where no account was ever funded', () => {
    const totals = { ...m, ...run(story.slice(0, 22)) };
    const report = conservationFromTotals([totals], [{ ...account, paidTotal: 10_000, balance: 980_000 }]);
    expect(report.differences.map((d) => d.identity)).toEqual(['deposits in = paid out + balance', 'deposit paid out = payouts drawn from it']);
    expect(conservationFromTotals([totals], [{ ...account, depositedTotal: 0, paidTotal: 20_000, balance: -20_000 }]).differences.map((d) => d.identity)).toEqual(['balance is never negative']);
    expect(conservationFromTotals([totals], []).differences).toEqual([{ identity: 'deposit paid out = payouts drawn from it', subject: '44130/COMMUNITY', expected: 20_000, actual: 0 }]);
  });

  it('an item removed takes its amounts out again (a voucher or a bucket deleted); an account with no totals is checked alone', () => {
    expect(totalsDeltas({ kind: 'Voucher', before: voucher(100_000), after: null })).toEqual([{ ...m, voucherGranted: -144_000, voucherRemaining: -100_000 }]);
    expect(totalsDeltas({ kind: 'LedgerBucket', before: bucket({ approved: 5 }), after: null })).toEqual([{ ...m, bucket: { ...EMPTY_TOTALS, approved: -5 } }]);
    expect(conservationFromTotals([], [{ ...account, municipalityCode: '11110' }])).toMatchObject({ balanced: true, checked: { depositAccounts: 1, municipalityPrograms: 0 } });
  });

  it('PO-08 the report reads the totals that the month\'s changes added once each, however often a batch came again', async () => {
    const settlement = new InMemorySettlement();
    await settlement.deposit({ depositId: 'D1', ...m, amount: 1_000_000, depositedAt: 't', recordedBy: 'x', at: 't' });
    const totals = new InMemoryTotals(settlement);
    const changes = story.map((change, i) => ({ changeId: `e${i}`, change }));
    // The whole month, then its first half delivered again: 21 of its 25 changes move money; a hold
    // counted, a refund and a claim received and a payout sent do not.
    expect(await applyMoneyChanges(changes, totals)).toEqual({ applied: 21 });
    await applyMoneyChanges(changes.slice(0, 12), totals);
    const report = await conservationReport(totals);
    expect(report).toMatchObject({ balanced: true, checked: { depositAccounts: 1, municipalityPrograms: 1, payouts: 1 }, totals: { granted: 144_000, approved: 72_000, deposited: 1_000_000 } });
    expect(await applyMoneyChanges([{ changeId: 'e-sent', change: story[22]! }], totals)).toEqual({ applied: 0 });
  });

  it('PO-08 a payout is counted once where it drew money; one that drew nothing is not a row of its own', () => {
    expect(totalsDeltas({ kind: 'Payout', before: null, after: payout({ draws: [{ day: '2026-03-02', municipalityCode: '44130', amount: 5 }, { day: '2026-03-02', municipalityCode: '11110', amount: 5 }], deposits: [] }) }))
      .toEqual([{ ...m, payoutDraws: 5, payoutDepositDraws: 0, payouts: 1 }, { municipalityCode: '11110', programCode: 'COMMUNITY', payoutDraws: 5, payoutDepositDraws: 0 }]);
    expect(totalsDeltas({ kind: 'Payout', before: null, after: payout({ amount: 0, status: 'DELAYED', draws: [], deposits: [] }) })).toEqual([]);
  });
});
