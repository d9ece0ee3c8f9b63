/**
 * Payment intake (the terminal API's use cases): decide, write exactly once, answer — and answer
 * a retry exactly as the first time (PAY-09).
 */
import { monthOf } from '../shared/calendar';
import type { Refusal } from '../shared/result';
import { decidePayment } from './decide';
import { type ApprovalReceipt, type PayingTerminal, type PaymentRequest, receiptVoucher } from './payment';
import type { Reads, TerminalDeps, TransactionRecord } from './ports';
import type { IdempotencyConflict, PaymentRefusal, RequestInProgress } from './refusals';

/** Attempts of one request against a voucher other requests are changing at the same moment. */
export const MAX_ATTEMPTS = 40;

export type PaymentOutcome = { ok: true; receipt: ApprovalReceipt; replayed: boolean } | Refusal<PaymentRefusal>;

export const requestInProgress = (): Refusal<RequestInProgress> => ({
  ok: false,
  refusal: { code: 'REQUEST_IN_PROGRESS', rule: 'PAY-09', message: 'another request on this card or transaction is being written; retry shortly', retryable: true },
});

const idempotencyConflict = (): Refusal<IdempotencyConflict> => ({
  ok: false,
  refusal: { code: 'IDEMPOTENCY_CONFLICT', rule: 'PAY-09', message: 'this transactionId was used for a different request' },
});

/** A short, jittered pause before deciding again on fresh data. */
export const backOff = (deps: Pick<TerminalDeps, 'sleep' | 'random'>, attempt: number) => deps.sleep(Math.min(50, 2 + attempt * 3) * (0.5 + deps.random()));

/** PAY-09: a repeated transaction id answers as the first time, or is refused if the content differs. */
export function replay<S extends TransactionRecord['receipt']['status']>(record: TransactionRecord | null, requestHash: string, status: S) {
  if (!record) return null;
  if (record.requestHash !== requestHash || record.receipt.status !== status) return idempotencyConflict();
  return { ok: true as const, receipt: record.receipt as Extract<TransactionRecord['receipt'], { status: S }>, replayed: true };
}

export async function takePayment(deps: TerminalDeps, terminal: PayingTerminal, request: PaymentRequest, requestHash: string): Promise<PaymentOutcome> {
  const { store: port } = deps;
  // An approval is decided on what the container holds and guarded by its transaction's
  // conditions; a refusal is named only from the table (a cache may lag a change by REG-08's bound,
  // and a voucher as last seen here by other terminals' payments).
  let reads: Reads = 'cache';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const [providerBusinessNumber, { serviceType, program }, worker, card] = await Promise.all([
      port.providerBusinessNumber(terminal.providerId, reads),
      port.serviceType(request.serviceCode, reads),
      port.workerByPaymentId(request.workerPaymentId, reads),
      port.card(request.cardNumber, reads),
    ]);
    const { contracts, voucher } = card ? await port.holder(card.recipientId, monthOf(request.serviceDate), request.serviceCode, reads) : { contracts: [], voucher: null };
    const decision = decidePayment(request, { now, terminal, providerBusinessNumber, serviceType, program, worker, card, contracts, voucher, holidays: deps.holidays }, terminal.serial);
    if (!decision.ok) {
      if (reads === 'cache') {
        reads = 'fresh';
        continue;
      }
      // A retry of an approved request may now be refused (its own approval used the day or the
      // session): the stored answer wins.
      return replay(await port.transactionRecord(terminal.serial, request.transactionId), requestHash, 'APPROVED') ?? decision;
    }
    const { plan } = decision;
    const approvalNumber = deps.approvalNumbers.next(plan.payment.approvalDate, `${terminal.serial}#${request.transactionId}#${attempt}`);
    const receipt: ApprovalReceipt = {
      approvalNumber,
      status: 'APPROVED',
      amount: plan.payment.amount,
      approvedAt: plan.payment.approvedAt,
      voucher: receiptVoucher(plan.payment.voucherMonth, plan.voucher),
      ...(plan.payment.minutes !== undefined ? { minutes: plan.payment.minutes, uncoveredAmount: plan.payment.uncoveredAmount ?? 0 } : {}),
    };
    const outcome = await port.approve({ plan, approvalNumber, receipt, requestHash, nowEpochSeconds: Math.floor(now.getTime() / 1000) });
    switch (outcome.kind) {
      case 'written':
        return { ok: true, receipt, replayed: false };
      case 'duplicate': {
        const answer = replay(outcome.record, requestHash, 'APPROVED');
        if (answer) return answer;
        break; // written and expired between the two reads: decide again
      }
      case 'retro-limit':
        return { ok: false, refusal: { code: 'DAILY_LIMIT_REACHED', rule: 'PAY-06', message: 'at most 20 retroactive payments per card per day' } };
      case 'makeup-taken':
        return { ok: false, refusal: { code: 'DAILY_LIMIT_REACHED', rule: 'PAY-07', message: 'one makeup payment per card, service and day' } };
      case 'stale-voucher':
      case 'contention':
        await backOff(deps, attempt);
    }
  }
  return requestInProgress();
}
