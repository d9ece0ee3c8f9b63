/**
 * Found by `npm run simulate -- --seed 5 --days 12 --scale 0.1`: a refund request, and then its
 * decision, whose write happened but whose answer was lost (the SDK sends the write again) answered
 * REFUND_ALREADY_REQUESTED and INVALID_STATE — the request refused by itself. A write resent must
 * find its own first outcome (PAY-11; every step safe to retry).
 */
import { describe, expect, it } from 'vitest';
import type { Payment } from '../../domain/payments/payment';
import { decideRefund, requestRefund } from '../../domain/payments/refunds';
import { InMemoryRefundStore } from '../fakes/refund-store';

const payment = {
  approvalNumber: '26050277203253', providerId: 'P0002', programCode: 'DEVELOP', serviceCode: '120101', recipientId: 'R00050', workerId: 'W1', workerPaymentId: '20000001', municipalityCode: '11110',
  cardNumber: '9410000000000050', terminalSerial: 'VT0002-1', transactionId: 'S5-1', channel: 'TERMINAL', kind: 'NORMAL', reason: null, amount: 33_333, serviceDate: '2026-05-02',
  serviceStartAt: null, approvedAt: '2026-05-02T10:05:00+09:00', approvalDate: '2026-05-02', voucherMonth: '2026-05', status: 'APPROVED',
} as unknown as Payment;

/** A store whose every write happens once more, as the SDK resends a write whose answer was lost. */
function resending(store: InMemoryRefundStore): InMemoryRefundStore {
  for (const name of ['request', 'approve', 'reject'] as const) {
    const write = (store[name] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      await write(...args);
      return write(...args);
    };
  }
  return store;
}

describe('PAY-11 seed 5: a resent write finds its own outcome', () => {
  const clock = { now: () => new Date('2026-05-09T02:00:00Z') };
  let n = 0;
  const deps = () => {
    const store = resending(new InMemoryRefundStore());
    store.payments.set(payment.approvalNumber, structuredClone(payment));
    // The May voucher still pays: an approval gives it the amount back.
    store.vouchers.set('R00050/2026-05/120101', { remainingAmount: 66_667, remainingSessions: 2, version: 3 } as never);
    return { store, clock, newRefundId: () => `RF20260509${++n}` };
  };

  it('PAY-11: the request answers its refund, and a second request is still refused', async () => {
    const d = deps();
    const first = await requestRefund(d, 'P0002', 'sim-P0002', { approvalNumber: payment.approvalNumber, reason: 'WRONG_SERVICE' });
    expect(first).toMatchObject({ ok: true, refund: { state: 'REQUESTED', amount: 33_333 } });
    expect(await requestRefund(d, 'P0002', 'sim-P0002', { approvalNumber: payment.approvalNumber, reason: 'WRONG_SERVICE' })).toMatchObject({ ok: false, refusal: { code: 'REFUND_ALREADY_REQUESTED' } });
  });

  it.each([true, false])('PAY-11: the decision (approve %s) answers itself; another decision afterwards is INVALID_STATE', async (approve) => {
    const d = deps();
    const requested = await requestRefund(d, 'P0002', 'sim-P0002', { approvalNumber: payment.approvalNumber, reason: 'WRONG_SERVICE' });
    const refundId = (requested as { refund: { refundId: string } }).refund.refundId;
    const decided = await decideRefund(d, refundId, { approve, by: 'sim-agency', reason: '검토' });
    expect(decided).toMatchObject({ ok: true, refund: { state: approve ? 'APPROVED' : 'REJECTED', decidedBy: 'sim-agency' } });
    expect(await decideRefund(d, refundId, { approve: !approve, by: 'other-agent' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE' } });
  });
});
