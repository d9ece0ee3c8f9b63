/**
 * Erroneous-payment refunds (과오결제 반납, PAY-11): a provider returns a payment approved on an
 * earlier day; the agency approves or rejects; on approval the voucher amount and session are
 * usable again while the voucher is, and the amount is recovered from the provider's payout of
 * the cycle in which the refund is approved.
 */
import { formatKst, type IsoDate, kstDate } from '../shared/calendar';
import type { Clock } from '../shared/ports';
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
  /** §4.6: a time payment's minutes, given back with its amount. */
  minutes?: number;
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

export interface RefundRequest {
  approvalNumber: string;
  reason: RefundReason;
  comment?: string | undefined;
}

export type RefundDecided = Pick<Refund, 'decidedAt' | 'decidedBy' | 'decisionReason' | 'restored' | 'recoveredOn'>;

/** What refunds need from storage: each move is one conditional transaction there. */
export interface RefundPort {
  payment(providerId: string, approvalNumber: string): Promise<Payment | null>;
  refund(refundId: string): Promise<Refund | null>;
  /** Records the request and marks the payment, unless it has an open refund, a hold, or is no longer approved. */
  request(refund: Refund): Promise<'requested' | 'already-open' | 'payment-changed'>;
  /** Approves a still-requested refund with its payment (and the voucher, when restored); false if it moved. */
  approve(refund: Refund, payment: Payment, decided: RefundDecided): Promise<boolean>;
  reject(refund: Refund, decided: Pick<Refund, 'decidedAt' | 'decidedBy' | 'decisionReason'>): Promise<boolean>;
}

export interface RefundDeps {
  store: RefundPort;
  clock: Clock;
  /** A new refund id for a request made on `today`. */
  newRefundId(today: IsoDate): string;
}

export type RefundOutcome = { ok: true; refund: Refund } | Refusal<RefundRefusal>;

/** PAY-11: a provider returns a payment of an earlier day that was paid (never held or denied). */
export async function requestRefund(deps: RefundDeps, providerId: string, requestedBy: string, request: RefundRequest): Promise<RefundOutcome> {
  const now = deps.clock.now();
  const payment = await deps.store.payment(providerId, request.approvalNumber);
  const decision = decideRefundRequest(payment, providerId, now);
  if (!decision.ok) return decision;
  const p = payment!;
  if ((p.holdsOpen ?? 0) > 0 || (p.holdsDenied ?? 0) > 0)
    return no('PAYMENT_ON_HOLD', 'this payment is on hold and was not paid: withdraw the hold instead (a withdrawn hold is never paid, HOLD-02)');
  const refund: Refund = {
    refundId: deps.newRefundId(kstDate(now)),
    approvalNumber: p.approvalNumber,
    providerId: p.providerId,
    programCode: p.programCode,
    recipientId: p.recipientId,
    municipalityCode: p.municipalityCode,
    amount: p.amount,
    ...(p.minutes !== undefined ? { minutes: p.minutes } : {}),
    reason: request.reason,
    ...(request.comment ? { comment: request.comment } : {}),
    state: 'REQUESTED',
    requestedAt: formatKst(now),
    requestedBy,
  };
  if ((await deps.store.request(refund)) !== 'requested') return no('REFUND_ALREADY_REQUESTED', 'this payment already has an open refund, is on hold, or is no longer approved');
  return { ok: true, refund };
}

/**
 * PAY-11: the agency approves (the voucher takes the amount back while it can still pay, and the
 * amount is recovered from the provider's payout of today's cycle) or rejects, once.
 */
export async function decideRefund(deps: Pick<RefundDeps, 'store' | 'clock'>, refundId: string, decision: { approve: boolean; by: string; reason?: string | undefined }): Promise<RefundOutcome> {
  const now = deps.clock.now();
  const refund = await deps.store.refund(refundId);
  const check = decideRefundDecision(refund);
  if (!check.ok) return check;
  const r = refund!;
  const at = { decidedAt: formatKst(now), decidedBy: decision.by };
  const reason = decision.reason ? { decisionReason: decision.reason } : {};
  const base = { ...at, ...reason };
  if (decision.approve) {
    const payment = await deps.store.payment(r.providerId, r.approvalNumber);
    if (!payment) return no('NOT_FOUND', 'the refund\'s payment is missing');
    const decided = { ...at, restored: voucherStillUsable(payment, now), recoveredOn: kstDate(now), ...reason };
    if (!(await deps.store.approve(r, payment, decided))) return (await ownDecision(deps, refundId, 'APPROVED', at)) ?? no('INVALID_STATE', 'the refund was decided by someone else meanwhile');
    return { ok: true, refund: { ...r, ...decided, state: 'APPROVED' } };
  }
  if (!(await deps.store.reject(r, base))) return (await ownDecision(deps, refundId, 'REJECTED', at)) ?? no('INVALID_STATE', 'the refund was decided by someone else meanwhile');
  return { ok: true, refund: { ...r, ...base, state: 'REJECTED' } };
}

/**
 * A decision whose write was resent (its first answer lost) finds the refund decided already — by
 * itself: the same decision at the same instant by the same person is this one, answered again.
 */
async function ownDecision(deps: Pick<RefundDeps, 'store'>, refundId: string, state: 'APPROVED' | 'REJECTED', at: { decidedAt: string; decidedBy: string }): Promise<RefundOutcome | null> {
  const stored = await deps.store.refund(refundId);
  return stored && stored.state === state && stored.decidedAt === at.decidedAt && stored.decidedBy === at.decidedBy ? { ok: true, refund: stored } : null;
}
