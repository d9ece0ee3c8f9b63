/** PAY-11 refunds as use cases, on the in-memory store. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Payment } from '../../../domain/payments/payment';
import { decideRefund, type RefundDeps, requestRefund } from '../../../domain/payments/refunds';
import { InMemoryRefundStore } from '../../fakes/refund-store';

const kst = (s: string) => new Date(`${s}+09:00`);
const payment = (over: Partial<Payment> = {}): Payment => ({
  approvalNumber: '26030900000001', transactionId: 'T-1', terminalSerial: 'VT11-000001', channel: 'TERMINAL', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101',
  workerId: 'W0001', workerPaymentId: '20000001', recipientId: 'R0001', cardNumber: '9410000000000001', municipalityCode: '44130', amount: 36_000, kind: 'NORMAL', reason: null,
  serviceDate: '2026-03-09', serviceStartAt: null, voucherMonth: '2026-03', approvedAt: '2026-03-09T14:00:00+09:00', approvalDate: '2026-03-09', status: 'APPROVED', ...over,
});

let store: InMemoryRefundStore;
let now: Date;
let deps: RefundDeps;
beforeEach(() => {
  store = new InMemoryRefundStore();
  store.payments.set('26030900000001', payment());
  store.vouchers.set('R0001/2026-03/110101', { recipientId: 'R0001', serviceCode: '110101', programCode: 'COMMUNITY', month: '2026-03', grantedAmount: 144_000, grantedSessions: 4, perSessionAmount: 36_000, remainingAmount: 108_000, remainingSessions: 3, municipalityCode: '44130', version: 1, paidDays: [] });
  now = kst('2026-03-10T10:00:00');
  let n = 0;
  deps = { store, clock: { now: () => now }, newRefundId: (today) => `RF${today.replace(/-/g, '')}${++n}` };
});

describe('PAY-11 refunds', () => {
  it('PAY-11 a request, once; the agency approves it, the voucher takes the amount back, the day of approval recovers it', async () => {
    const requested = await requestRefund(deps, 'P0001', 'u-P0001', { approvalNumber: '26030900000001', reason: 'OVERCHARGE', comment: '중복 결제' });
    expect(requested).toMatchObject({ ok: true, refund: { refundId: 'RF202603101', state: 'REQUESTED', amount: 36_000, comment: '중복 결제', requestedBy: 'u-P0001', requestedAt: '2026-03-10T10:00:00+09:00' } });
    expect(await requestRefund(deps, 'P0001', 'u-P0001', { approvalNumber: '26030900000001', reason: 'OVERCHARGE' })).toMatchObject({ ok: false, refusal: { code: 'REFUND_ALREADY_REQUESTED', rule: 'PAY-11' } });
    now = kst('2026-03-16T09:00:00');
    const approved = await decideRefund(deps, 'RF202603101', { approve: true, by: 'u-agency' });
    expect(approved).toMatchObject({ ok: true, refund: { state: 'APPROVED', restored: true, recoveredOn: '2026-03-16', decidedBy: 'u-agency' } });
    expect(store.vouchers.get('R0001/2026-03/110101')).toMatchObject({ remainingAmount: 144_000, remainingSessions: 4 });
    expect(store.payments.get('26030900000001')).toMatchObject({ status: 'REFUNDED', recoveredOn: '2026-03-16' });
    expect(await decideRefund(deps, 'RF202603101', { approve: false, by: 'u-agency', reason: 'late' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE' } });
  });

  it('PAY-11 after the voucher can no longer pay (VCH-04), approval recovers the amount without restoring it', async () => {
    await requestRefund(deps, 'P0001', 'u', { approvalNumber: '26030900000001', reason: 'WRONG_SERVICE' });
    now = kst('2026-05-02T09:00:00');
    expect(await decideRefund(deps, 'RF202603101', { approve: true, by: 'u-agency', reason: '확인' })).toMatchObject({ ok: true, refund: { restored: false, recoveredOn: '2026-05-02', decisionReason: '확인' } });
    expect(store.vouchers.get('R0001/2026-03/110101')).toMatchObject({ remainingAmount: 108_000 });
  });

  it('PAY-11 a held payment is settled through its hold, not refunded; a rejection frees the payment for a new request', async () => {
    store.payments.set('26030900000002', payment({ approvalNumber: '26030900000002', holdsOpen: 1 }));
    expect(await requestRefund(deps, 'P0001', 'u', { approvalNumber: '26030900000002', reason: 'OVERCHARGE' })).toMatchObject({ ok: false, refusal: { code: 'PAYMENT_ON_HOLD', rule: 'PAY-11' } });
    await requestRefund(deps, 'P0001', 'u', { approvalNumber: '26030900000001', reason: 'OVERCHARGE' });
    expect(await decideRefund(deps, 'RF202603101', { approve: false, by: 'u-agency', reason: '사유 없음' })).toMatchObject({ ok: true, refund: { state: 'REJECTED', decisionReason: '사유 없음' } });
    expect(await requestRefund(deps, 'P0001', 'u', { approvalNumber: '26030900000001', reason: 'OVERCHARGE' })).toMatchObject({ ok: true });
  });

  it('PAY-11 an unknown refund, another provider\'s payment, a payment gone missing, a decision raced by someone else', async () => {
    expect(await decideRefund(deps, 'RF-none', { approve: true, by: 'a' })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    expect(await requestRefund(deps, 'P0002', 'u', { approvalNumber: '26030900000001', reason: 'OVERCHARGE' })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    await requestRefund(deps, 'P0001', 'u', { approvalNumber: '26030900000001', reason: 'OVERCHARGE' });
    const paid = store.payments.get('26030900000001')!;
    store.payments.delete('26030900000001');
    expect(await decideRefund(deps, 'RF202603101', { approve: true, by: 'a' })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', rule: 'PAY-11' } });
    store.payments.set('26030900000001', { ...paid, status: 'CANCELLED' });
    expect(await decideRefund(deps, 'RF202603101', { approve: true, by: 'a' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE' } });
    store.reject = async () => false;
    expect(await decideRefund(deps, 'RF202603101', { approve: false, by: 'a', reason: 'x' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE' } });
  });
});
