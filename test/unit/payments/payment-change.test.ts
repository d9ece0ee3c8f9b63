/** The outbox's reading of a payment write: which change the other contexts hear of. */
import { describe, expect, it } from 'vitest';
import { changedAt, paymentChange } from '../../../domain/payments/payment';

describe('payment changes for the outbox', () => {
  it('an approved payment appearing is an approval; any other insert is nothing', () => {
    expect(paymentChange(null, { status: 'APPROVED' }, true)).toBe('PAYMENT_APPROVED');
    expect(paymentChange(null, { status: 'CANCELLED' }, true)).toBeNull();
  });

  it('a status becoming cancelled or refunded is that change; an unchanged status is nothing', () => {
    expect(paymentChange({ status: 'APPROVED' }, { status: 'CANCELLED' }, false)).toBe('PAYMENT_CANCELLED');
    expect(paymentChange({ status: 'APPROVED' }, { status: 'REFUNDED' }, false)).toBe('PAYMENT_REFUNDED');
    expect(paymentChange({ status: 'APPROVED' }, { status: 'APPROVED' }, false)).toBeNull();
    expect(paymentChange(null, { status: 'CANCELLED' }, false)).toBeNull();
    expect(paymentChange({ status: 'REFUNDED' }, { status: 'APPROVED' }, false)).toBeNull();
  });

  it('the change happened at the cancel or refund instant, else at the approval', () => {
    const p = { approvedAt: '2026-03-10T10:00:00+09:00', cancelledAt: '2026-03-10T11:00:00+09:00' };
    expect(changedAt(p, 'PAYMENT_CANCELLED')).toBe(p.cancelledAt);
    expect(changedAt(p, 'PAYMENT_REFUNDED')).toBe(p.approvedAt);
    expect(changedAt({ ...p, refundedAt: '2026-03-12T09:00:00+09:00' }, 'PAYMENT_REFUNDED')).toBe('2026-03-12T09:00:00+09:00');
    expect(changedAt({ approvedAt: p.approvedAt }, 'PAYMENT_CANCELLED')).toBeUndefined();
    expect(changedAt(p, 'PAYMENT_APPROVED')).toBe(p.approvedAt);
  });
});
