/** PO-07 statements and PO-08 conservation, from the facts alone. */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund } from '../../../domain/payments/refunds';
import { conservationReport, type DepositFacts, type PayoutFacts, type VoucherFacts } from '../../../domain/settlement/conservation';
import { EMPTY_TOTALS, type Bucket } from '../../../domain/settlement/ledger';
import type { Payout } from '../../../domain/settlement/payout';
import { statementCsv } from '../../../domain/settlement/statements';

const payment = (over: Partial<Payment & { holdsOpen?: number; holdsDenied?: number; restored?: boolean }> = {}) =>
  ({
    approvalNumber: '26031000000001', transactionId: 'T-1', terminalSerial: 'VT11-000001', channel: 'TERMINAL', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101',
    workerId: 'W0001', workerPaymentId: '20000001', recipientId: 'R0001', cardNumber: '9410000000000001', municipalityCode: '44130', amount: 36_000, kind: 'NORMAL', reason: null,
    serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', voucherMonth: '2026-03', approvedAt: '2026-03-10T14:05:00+09:00', approvalDate: '2026-03-10', status: 'APPROVED',
    ...over,
  }) as Payment & { holdsOpen?: number; holdsDenied?: number; restored?: boolean };

const payout = (over: Partial<Payout> = {}): Payout => ({
  payoutId: 'PO-2026-03-1-P0001-COMMUNITY', runId: '2026-03-1', providerId: 'P0001', programCode: 'COMMUNITY', cycle: '2026-03-1', payDate: '2026-03-13', amount: 36_000, status: 'SCHEDULED', resultCode: null,
  account: { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '행복심리상담센터' },
  draws: [{ day: '2026-03-10', municipalityCode: '44130', amount: 36_000 }], deposits: [{ municipalityCode: '44130', amount: 36_000 }], delays: [], createdAt: '2026-03-12T06:30:00+09:00',
  ...over,
});

describe('PO-07 statement of a payout', () => {
  it('PO-07 lists the payout with its account masked, its draws and delays, every payment (card masked, held or denied), refund recoveries and claims, as CSV with a BOM', () => {
    const csv = statementCsv(payout({ delays: [{ municipalityCode: '44130', amount: 20_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-09' }] }), {
      payments: [payment({ approvalNumber: '26031000000002', holdsOpen: 1 }), payment(), payment({ approvalNumber: '26031000000003', holdsDenied: 1 })],
      recoveries: [{ approvalNumber: '26030900000009', recoveredOn: '2026-03-10', recipientId: 'R0002', reason: 'OVERCHARGE', amount: 10_000, state: 'APPROVED' } as Refund],
      claims: [{ claimId: 'CL1', payableOn: '2026-03-10', serviceDate: '2026-02-20', recipientId: 'R0003', workerId: 'W0001', reason: 'CARD_LOST', amount: 36_000, state: 'APPROVED' } as Claim],
    });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('PAYOUT,PO-2026-03-1-P0001-COMMUNITY,2026-03-1,2026-03-13,36000,SCHEDULED,004 **********1234,행복심리상담센터');
    expect(lines).toContain('DRAW,2026-03-10,44130,36000');
    expect(lines).toContain('DELAY DEPOSIT_SHORTFALL,2026-03-09,44130,20000');
    const payments = lines.filter((l) => l.startsWith('PAYMENT,'));
    expect(payments.map((l) => l.split(',')[1])).toEqual(['26031000000001', '26031000000002', '26031000000003']);
    expect(payments.map((l) => l.split(',').at(-1))).toEqual(['', 'HELD', 'DENIED']);
    expect(payments[0]).toContain('9410********0001');
    expect(lines).toContain('REFUND_RECOVERED,26030900000009,2026-03-10,,R0002,,,,OVERCHARGE,-10000,APPROVED,');
    expect(lines).toContain('EXCEPTION_CLAIM,CL1,2026-03-10,2026-02-20,R0003,W0001,,EXCEPTION_CLAIM,CARD_LOST,36000,APPROVED,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('a payout without an account shows none; text with separators is quoted and a formula is neutralised, a negative amount is not', () => {
    const csv = statementCsv(payout({ account: null, payoutId: '=HYPERLINK("x"),"1"' }), { payments: [], recoveries: [{ approvalNumber: '-1+1', recoveredOn: '2026-03-10', recipientId: 'R', reason: 'OVERCHARGE', amount: 5, state: 'APPROVED' } as Refund], claims: [] });
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe(`PAYOUT,"'=HYPERLINK(""x""),""1""",2026-03-1,2026-03-13,36000,SCHEDULED,,`);
    expect(lines.find((l) => l.startsWith('REFUND_RECOVERED'))).toBe("REFUND_RECOVERED,'-1+1,2026-03-10,,R,,,,OVERCHARGE,-5,APPROVED,");
  });
});

describe('PO-08 conservation', () => {
  const deposit = (over: Partial<DepositFacts> = {}): DepositFacts => ({ municipalityCode: '44130', programCode: 'COMMUNITY', balance: 64_000, depositedTotal: 100_000, paidTotal: 36_000, entriesIn: 100_000, entriesOut: 36_000, ...over });
  const voucher = (over: Partial<VoucherFacts> = {}): VoucherFacts => ({ recipientId: 'R0001', month: '2026-03', serviceCode: '110101', grantedAmount: 144_000, remainingAmount: 108_000, ...over });
  const bucket = (over: Partial<Bucket> = {}): Bucket => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-10', version: 1, approved: 36_000, settled: 36_000, ...over });
  const facts = (p: PayoutFacts = payout()) => ({ deposits: [deposit()], vouchers: [voucher()], payments: [payment()], buckets: [bucket()], payouts: [p] });

  it('PO-08 balanced facts report no difference, with the totals', () => {
    const report = conservationReport(facts());
    expect(report).toMatchObject({ balanced: true, differences: [], checked: { depositAccounts: 1, vouchers: 1, payments: 1, buckets: 1, payouts: 1 } });
    expect(report.totals).toEqual({ deposited: 100_000, paidOut: 36_000, depositBalance: 64_000, granted: 144_000, remaining: 108_000, paid: 36_000, held: 0, recovered: 0 });
  });

  it('PO-08 a won created or lost anywhere is a difference: deposit, voucher, bucket, payout', () => {
    const differences = (f: ReturnType<typeof facts>) => conservationReport(f).differences.map((d) => d.identity);
    expect(differences({ ...facts(), deposits: [deposit({ balance: 64_001 })] })).toContain('deposits in = paid out + balance');
    expect(differences({ ...facts(), deposits: [deposit({ balance: -1, entriesOut: 100_001, paidTotal: 100_001 })] })).toContain('balance is never negative');
    expect(differences({ ...facts(), vouchers: [voucher({ remainingAmount: 108_001 })] })).toEqual(['granted = remaining + paid + held + recovered']);
    expect(differences({ ...facts(), buckets: [bucket({ approved: 35_999 })] })).toContain('bucket approvals = payments approved that day');
    expect(differences({ ...facts(), buckets: [] })).toContain('bucket approvals = payments approved that day');
    expect(differences(facts(payout({ amount: 36_001 })))).toEqual(expect.arrayContaining(['payout = its draws', 'payout = its deposit draws']));
    expect(differences(facts(payout({ draws: [] })))).toContain('bucket settled = payout draws from it');
  });

  it('PO-08 held, denied, cancelled and refunded payments are counted where they belong; a returned transfer is no payout', () => {
    const report = conservationReport({
      deposits: [deposit({ balance: 100_000, paidTotal: 0, entriesOut: 0 })],
      vouchers: [voucher({ grantedAmount: 144_000, remainingAmount: 36_000 })],
      payments: [
        payment({ approvalNumber: '1', holdsOpen: 1 }),
        payment({ approvalNumber: '2', holdsDenied: 1 }),
        payment({ approvalNumber: '3', status: 'REFUNDED' }),
        payment({ approvalNumber: '4', status: 'REFUNDED', restored: true, amount: 0 }),
        payment({ approvalNumber: '5', status: 'CANCELLED', amount: 10_000 }),
      ],
      buckets: [bucket({ approved: 118_000, cancelled: 10_000, settled: 0 })],
      payouts: [{ ...payout(), returnedAt: '2026-03-16T03:00:00+09:00' } as PayoutFacts],
    });
    expect(report.differences).toEqual([]);
    expect(report.totals).toMatchObject({ held: 36_000, recovered: 72_000, paid: 0 });
  });
});
