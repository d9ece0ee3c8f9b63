/**
 * Refunds in memory, with the adapter's conditions: a payment holds one open refund and only
 * while it is approved and never held; a refund is decided once; approval marks the payment
 * REFUNDED (and, when restored, gives the voucher its amount and session back, all or nothing).
 */
import type { Payment, VoucherBalance } from '../../domain/payments/payment';
import type { Refund, RefundDecided, RefundPort } from '../../domain/payments/refunds';

type StoredPayment = Payment & { openRefundId?: string };

export class InMemoryRefundStore implements RefundPort {
  readonly refunds = new Map<string, Refund>();

  /** Payments and vouchers are its own, or the payment fake's (`new InMemoryRefundStore(payments.payments, payments.vouchers)`) in one world. */
  constructor(
    readonly payments: Map<string, StoredPayment> = new Map(),
    readonly vouchers: Map<string, VoucherBalance> = new Map(),
  ) {}

  async payment(providerId: string, approvalNumber: string) {
    const p = this.payments.get(approvalNumber);
    return p && p.providerId === providerId ? structuredClone(p) : null;
  }
  async refund(refundId: string) {
    return structuredClone(this.refunds.get(refundId) ?? null);
  }
  async request(refund: Refund) {
    const p = this.payments.get(refund.approvalNumber);
    // The same request written again (a resent write): it finds itself.
    if (p && p.openRefundId === refund.refundId && this.refunds.has(refund.refundId)) return 'requested' as const;
    if (this.refunds.has(refund.refundId) || !p) return 'payment-changed' as const;
    if (p.openRefundId) return 'already-open' as const;
    if (p.status !== 'APPROVED' || (p.holdsOpen ?? 0) > 0 || (p.holdsDenied ?? 0) > 0) return 'payment-changed' as const;
    this.refunds.set(refund.refundId, structuredClone(refund));
    p.openRefundId = refund.refundId;
    return 'requested' as const;
  }
  async approve(refund: Refund, payment: Payment, decided: RefundDecided) {
    const stored = this.refunds.get(refund.refundId);
    const p = this.payments.get(payment.approvalNumber);
    const key = `${payment.recipientId}/${payment.voucherMonth}/${payment.serviceCode}`;
    // As the adapter's transaction: a restored approval needs its voucher, or nothing moves.
    if (stored?.state !== 'REQUESTED' || !p || p.status !== 'APPROVED' || (decided.restored && !this.vouchers.has(key))) return false;
    Object.assign(stored, decided, { state: 'APPROVED' });
    Object.assign(p, { status: 'REFUNDED', refundId: refund.refundId, refundedAt: decided.decidedAt, recoveredOn: decided.recoveredOn });
    delete p.openRefundId;
    const v = this.vouchers.get(key);
    // §4.6: a time payment gives back its won and minutes; a session payment its won, one session and its date (PAY-06).
    if (decided.restored && v)
      this.vouchers.set(key, p.minutes !== undefined
        ? { ...v, remainingAmount: v.remainingAmount + p.amount, remainingMinutes: (v.remainingMinutes ?? 0) + p.minutes, version: v.version + 1 }
        : { ...v, remainingAmount: v.remainingAmount + p.amount, remainingSessions: v.remainingSessions + 1, version: v.version + 1, ...(p.kind === 'NORMAL' || p.kind === 'RETRO' ? { paidDays: (v.paidDays ?? []).filter((d) => d !== p.serviceDate) } : {}) });
    return true;
  }
  async reject(refund: Refund, decided: Pick<Refund, 'decidedAt' | 'decidedBy' | 'decisionReason'>) {
    const stored = this.refunds.get(refund.refundId);
    if (stored?.state !== 'REQUESTED') return false;
    Object.assign(stored, decided, { state: 'REJECTED' });
    const p = this.payments.get(refund.approvalNumber);
    if (p) delete p.openRefundId;
    return true;
  }
}
