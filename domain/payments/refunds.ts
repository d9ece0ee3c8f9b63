/**
 * Erroneous-payment refunds (과오결제 반납, PAY-11): a provider returns a payment approved on an
 * earlier day; the agency approves or rejects; on approval the voucher amount and session are
 * usable again while the voucher is, and the amount is recovered from the provider's payout of
 * the cycle in which the refund is approved.
 */
import { type IsoDate, kstDate } from '../shared/calendar';
import { type Refusal, refusalOf, type Refused } from '../shared/result';
import { lastRetroDay, type Payment } from './payment';

export type RefundReason = 'OVERCHARGE' | 'WRONG_SERVICE' | 'NOT_DELIVERED';

export type RefundState = 'REQUESTED' | 'APPROVED' | 'REJECTED';

export interface Refund {
  refundId: string;
  approvalNumber: string;
  providerId: string;
  programCode: string;
  recipientId: string;
  municipalityCode: string;
  amount: number;
  reason: RefundReason;
  comment?: string;
  state: RefundState;
  requestedAt: string;
  requestedBy: string;
  decidedAt?: string;
  decidedBy?: string;
  decisionReason?: string;
  /** Whether the voucher took the amount and session back (it does while it is usable). */
  restored?: boolean;
  /** The day of approval: the payout cycle containing it recovers the amount (환수). */
  recoveredOn?: IsoDate;
}

/** What a refund request or decision may refuse (PAY-11). */
export type RefundRefusal = Refused<
  'NOT_FOUND' | 'PAYMENT_CANCELLED' | 'ALREADY_REFUNDED' | 'USE_SAME_DAY_CANCEL' | 'PAYMENT_ON_HOLD' | 'REFUND_ALREADY_REQUESTED' | 'INVALID_STATE',
  'PAY-11'
>;

const refuse = refusalOf<RefundRefusal>();
const no = (code: RefundRefusal['code'], message: string) => refuse(code, 'PAY-11', message);

export function decideRefundRequest(payment: Payment | null, providerId: string, now: Date): { ok: true } | Refusal<RefundRefusal> {
  if (!payment || payment.providerId !== providerId) return no('NOT_FOUND', 'no such approval for this provider');
  if (payment.status === 'CANCELLED') return no('PAYMENT_CANCELLED', 'the payment was cancelled; there is nothing to return');
  if (payment.status === 'REFUNDED') return no('ALREADY_REFUNDED', 'the payment was already returned');
  if (payment.approvalDate >= kstDate(now)) return no('USE_SAME_DAY_CANCEL', 'a payment approved today is cancelled at the terminal (PAY-10)');
  return { ok: true };
}

/** Only a requested refund is decided, once. */
export function decideRefundDecision(refund: Refund | null): { ok: true } | Refusal<RefundRefusal> {
  if (!refund) return no('NOT_FOUND', 'no such refund');
  if (refund.state !== 'REQUESTED') return no('INVALID_STATE', `the refund is already ${refund.state}`);
  return { ok: true };
}

/** PAY-11 with VCH-04: the voucher takes the amount back only while it can still pay. */
export function voucherStillUsable(payment: Pick<Payment, 'voucherMonth'>, now: Date): boolean {
  return kstDate(now) <= lastRetroDay(payment.voucherMonth);
}
