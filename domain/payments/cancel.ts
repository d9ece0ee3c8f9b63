/** PAY-10: a terminal cancels a payment on the calendar day of its approval only. */
import { kstDate } from '../shared/calendar';
import type { Payment, Refusal } from './payment';

/** PAY-10: the terminal cancels on the calendar day of approval only; later it is a refund. */
export function decideCancel(payment: Payment | null, providerId: string, now: Date): { ok: true } | { ok: false; refusal: Refusal } {
  if (!payment || payment.providerId !== providerId) return { ok: false, refusal: { code: 'NOT_FOUND', rule: 'PAY-10', message: 'no such approval for this provider', status: 404 } };
  if (payment.status === 'CANCELLED') return { ok: false, refusal: { code: 'ALREADY_CANCELLED', rule: 'PAY-10', message: 'the payment is already cancelled', status: 409 } };
  if (payment.status !== 'APPROVED' || payment.approvalDate !== kstDate(now))
    return { ok: false, refusal: { code: 'USE_REFUND_REQUEST', rule: 'PAY-10', message: 'only a payment approved today can be cancelled at the terminal; ask for a refund (PAY-11)', status: 422 } };
  return { ok: true };
}
