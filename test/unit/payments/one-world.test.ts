/**
 * The fakes make one world, as the adapters share one table: what one fake writes, the others
 * read (the simulation runs the whole money path on them).
 */
import { describe, expect, it } from 'vitest';
import { takePayment } from '../../../domain/payments/intake';
import type { Payment } from '../../../domain/payments/payment';
import { decideRefund, requestRefund } from '../../../domain/payments/refunds';
import { holdOf } from '../../../domain/screening/flow';
import { InMemoryPaymentStore } from '../../fakes/payment-store';
import { InMemoryRefundStore } from '../../fakes/refund-store';
import { inMemoryScreening } from '../../fakes/screening-store';
import { seedPaymentStore } from '../../fakes/seed';
import { importDocument } from '../../support/fixtures';
import { koreanHolidays } from '../../../functions/shared/holidays';

const kst = (s: string) => new Date(`${s}+09:00`);
const payment = (over: Partial<Payment> = {}): Payment => ({
  approvalNumber: '26030900000001', transactionId: 'T-1', terminalSerial: 'VT11-000001', channel: 'TERMINAL', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101',
  workerId: 'W0001', workerPaymentId: '20000001', recipientId: 'R0001', cardNumber: '9410000000000001', municipalityCode: '44130', amount: 36_000, kind: 'NORMAL', reason: null,
  serviceDate: '2026-03-09', serviceStartAt: null, voucherMonth: '2026-03', approvedAt: '2026-03-09T14:00:00+09:00', approvalDate: '2026-03-09', status: 'APPROVED', ...over,
});

describe('one world of fakes', () => {
  it('PAY-11 a payment taken on the payment fake is refunded by the refund fake on the same records, and the voucher is whole again', async () => {
    const payments = new InMemoryPaymentStore();
    seedPaymentStore(payments, importDocument(1));
    const clock = { now: () => kst('2026-03-09T14:05:00') };
    const terminal = { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED' as const, status: 'ACTIVE' as const, workerIds: [] };
    const request = {
      transactionId: 'T-1', businessNumber: (await payments.providerBusinessNumber('P0001'))!, terminalPhone: '01012345678', serviceCode: '110101', workerPaymentId: '20000001',
      cardNumber: '9410000000000001', amount: 36_000, kind: 'NORMAL' as const, serviceDate: '2026-03-09', serviceStartAt: '2026-03-09T14:00:00+09:00', reason: null,
    };
    const taken = await takePayment({ store: payments, clock, sleep: async () => {}, random: () => 0, approvalNumbers: { next: () => '26030900000001' }, holidays: koreanHolidays }, terminal, request, 'hash');
    expect(taken).toMatchObject({ ok: true });
    expect(await payments.voucher('R0001', '2026-03', '110101')).toMatchObject({ remainingAmount: 108_000, remainingSessions: 3 });
    const refunds = new InMemoryRefundStore(payments.payments, payments.vouchers);
    const world = { store: refunds, clock: { now: () => kst('2026-03-10T10:00:00') }, newRefundId: () => 'RF-1' };
    expect(await requestRefund(world, 'P0001', 'u-P0001', { approvalNumber: '26030900000001', reason: 'OVERCHARGE' })).toMatchObject({ ok: true });
    expect(await decideRefund(world, 'RF-1', { approve: true, by: 'u-agency' })).toMatchObject({ ok: true, refund: { restored: true } });
    expect(await payments.payment('P0001', '26030900000001')).toMatchObject({ status: 'REFUNDED', refundId: 'RF-1' });
    expect(await payments.voucher('R0001', '2026-03', '110101')).toMatchObject({ grantedAmount: 144_000, remainingAmount: 144_000, remainingSessions: 4 });
  });
});

describe('one world of fakes: screening', () => {
  it('§5 the screening fake reads the payment fake\'s payments: what the payment store holds approved is holdable, nothing else', async () => {
    const payments = new InMemoryPaymentStore();
    payments.payments.set('26030900000001', payment());
    payments.payments.set('26030900000002', payment({ approvalNumber: '26030900000002', status: 'CANCELLED' }));
    const screening = inMemoryScreening({ payments: payments.payments });
    const holdFor = (approvalNumber: string) => holdOf({ ...payment({ approvalNumber }), municipalityCode: '44130' }, { ruleId: 'HOLD-03', ruleVersion: 1, groupKey: `G-${approvalNumber}`, evidence: [] }, '2026-03-10T10:00:00+09:00');
    expect(await screening.port.raise(holdFor('26030900000001'))).toBe('raised');
    expect(await screening.port.raise(holdFor('26030900000002'))).toBe('not-holdable');
    expect(screening.counts('26030900000001')).toEqual({ open: 1, denied: 0 });
  });
});
