/** PO-07 statements, from the facts alone (PO-08 on totals: totals.test.ts). */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund } from '../../../domain/payments/refunds';
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
  payoutId: 'PO-2026-03-1-P0001-COMMUNITY', runId: '2026-03-1', providerId: 'P0001', programCode: 'COMMUNITY', cycle: '2026-03-1', payDate: '2026-03-13', payDateReason: null, amount: 36_000, status: 'SCHEDULED', resultCode: null,
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
