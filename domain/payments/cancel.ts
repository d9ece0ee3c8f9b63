/** PAY-10: a terminal cancels a payment on the calendar day of its approval only; later it is a refund (PAY-11). */
import { formatKst, kstDate } from '../shared/calendar';
import { type Refusal, refusalOf } from '../shared/result';
import { backOff, MAX_ATTEMPTS, replay, requestInProgress } from './intake';
import { type CancelReceipt, type PayingTerminal, type Payment, receiptVoucher } from './payment';
import type { TerminalDeps } from './ports';
import type { CancelDecisionRefusal, CancelRefusal } from './refusals';

const refuse = refusalOf<CancelDecisionRefusal>();

/** PAY-10: the terminal cancels on the calendar day of approval only; later it is a refund. */
export function decideCancel(payment: Payment | null, providerId: string, now: Date): { ok: true } | Refusal<CancelDecisionRefusal> {
  if (!payment || payment.providerId !== providerId) return refuse('NOT_FOUND', 'PAY-10', 'no such approval for this provider');
  if (payment.status === 'CANCELLED') return refuse('ALREADY_CANCELLED', 'PAY-10', 'the payment is already cancelled');
  if (payment.status !== 'APPROVED' || payment.approvalDate !== kstDate(now))
    return refuse('USE_REFUND_REQUEST', 'PAY-10', 'only a payment approved today can be cancelled at the terminal; ask for a refund (PAY-11)');
  return { ok: true };
}

export interface CancelRequest {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
}

export type CancelOutcome = { ok: true; receipt: CancelReceipt; replayed: boolean } | Refusal<CancelRefusal>;

export async function cancelPayment(deps: TerminalDeps, terminal: PayingTerminal, approvalNumber: string, request: CancelRequest, requestHash: string): Promise<CancelOutcome> {
  const { store: port } = deps;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const earlier = replay(await port.transactionRecord(terminal.serial, request.transactionId), requestHash, 'CANCELLED');
    if (earlier) return earlier;
    if (terminal.status !== 'ACTIVE') return { ok: false, refusal: { code: 'TERMINAL_INACTIVE', rule: 'PAY-01', message: 'the terminal is cancelled (해지)' } };
    const businessNumber = await port.providerBusinessNumber(terminal.providerId);
    if (request.terminalPhone !== terminal.phone || request.businessNumber !== businessNumber)
      return { ok: false, refusal: { code: 'TERMINAL_MISMATCH', rule: 'PAY-01', message: 'serial, phone number and business number do not match the registry' } };

    const now = deps.clock.now();
    const payment = await port.payment(terminal.providerId, approvalNumber);
    const decision = decideCancel(payment, terminal.providerId, now);
    if (!decision.ok) return decision;
    const p = payment!;
    const voucher = await port.voucher(p.recipientId, p.voucherMonth, p.serviceCode);
    if (!voucher) throw new Error(`voucher of payment ${p.approvalNumber} is missing`);
    // A time payment gives back its won and minutes; a session payment its won and one session (§4.6).
    const restored = p.minutes !== undefined
      ? { remainingAmount: voucher.remainingAmount + p.amount, remainingSessions: voucher.remainingSessions, remainingMinutes: (voucher.remainingMinutes ?? 0) + p.minutes }
      : { remainingAmount: voucher.remainingAmount + p.amount, remainingSessions: voucher.remainingSessions + 1 };
    const receipt: CancelReceipt = { approvalNumber: p.approvalNumber, status: 'CANCELLED', voucher: receiptVoucher(p.voucherMonth, restored) };
    const outcome = await port.cancel({
      payment: p,
      voucherVersion: voucher.version,
      restored,
      receipt,
      serial: terminal.serial,
      transactionId: request.transactionId,
      requestHash,
      cancelledAt: formatKst(now),
      today: kstDate(now),
      nowEpochSeconds: Math.floor(now.getTime() / 1000),
    });
    if (outcome === 'cancelled') return { ok: true, receipt, replayed: false };
    // duplicate / not-cancellable: the next round answers from the stored record or refuses.
    if (outcome === 'stale-voucher' || outcome === 'contention') await backOff(deps, attempt);
  }
  return requestInProgress();
}
