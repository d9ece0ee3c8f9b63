/**
 * Payment intake (the terminal API's use cases): decide, write exactly once, answer — and answer
 * a retry exactly as the first time (PAY-09).
 */
import { periodContains } from '../registry/entities';
import { maskCardNumber } from '../registry/identity';
import { formatKst, kstDate, kstMonth, monthOf } from '../shared/calendar';
import type { Clock } from '../shared/ports';
import { decideCancel } from './cancel';
import { decidePayment } from './decide';
import type { PayingTerminal, PaymentRequest, Refusal } from './payment';
import type { PaymentPort, TransactionRecord } from './ports';

export interface Answer {
  status: number;
  body: unknown;
  /** Set on answers the caller should retry. */
  retryAfterSeconds?: number;
}

/** Attempts of one request against a voucher other requests are changing at the same moment. */
export const MAX_ATTEMPTS = 40;

const refusalAnswer = (r: Refusal): Answer => ({ status: r.status, body: { error: { code: r.code, message: r.message, details: { rule: r.rule } } } });

const inProgress = (): Answer => ({
  status: 409,
  body: { error: { code: 'REQUEST_IN_PROGRESS', message: 'another request on this card or transaction is being written; retry shortly', details: { rule: 'PAY-09', retryable: true } } },
  retryAfterSeconds: 1,
});

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));

/** PAY-09: a repeated transaction id answers as the first time, or is refused if the content differs. */
function replay(record: TransactionRecord | null, requestHash: string): Answer | null {
  if (!record) return null;
  if (record.requestHash !== requestHash)
    return { status: 409, body: { error: { code: 'IDEMPOTENCY_CONFLICT', message: 'this transactionId was used for a different request', details: { rule: 'PAY-09' } } } };
  return { status: record.status, body: record.response };
}

export async function takePayment(port: PaymentPort, terminal: PayingTerminal, request: PaymentRequest, requestHash: string, clock: Clock): Promise<Answer> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const now = clock.now();
    const [providerBusinessNumber, { serviceType, program }, worker, card] = await Promise.all([
      port.providerBusinessNumber(terminal.providerId),
      port.serviceType(request.serviceCode),
      port.workerByPaymentId(request.workerPaymentId),
      port.card(request.cardNumber),
    ]);
    const { contracts, voucher } = card ? await port.holder(card.recipientId, monthOf(request.serviceDate), request.serviceCode) : { contracts: [], voucher: null };
    const decision = decidePayment(request, { now, terminal, providerBusinessNumber, serviceType, program, worker, card, contracts, voucher }, terminal.serial);
    if (!decision.ok) {
      // A retry of an approved request may now be refused (its own approval used the day or the
      // session): the stored answer wins.
      return replay(await port.transactionRecord(terminal.serial, request.transactionId), requestHash) ?? refusalAnswer(decision.refusal);
    }
    const { plan } = decision;
    const respond = (approvalNumber: string) => ({
      approvalNumber,
      status: 'APPROVED',
      amount: plan.payment.amount,
      approvedAt: plan.payment.approvedAt,
      voucher: { month: plan.payment.voucherMonth, remainingAmount: plan.voucher.remainingAmount, remainingSessions: plan.voucher.remainingSessions },
    });
    const outcome = await port.approve(plan, requestHash, respond, Math.floor(now.getTime() / 1000));
    switch (outcome.kind) {
      case 'written':
        return { status: 201, body: respond(outcome.approvalNumber) };
      case 'duplicate': {
        const answer = replay(outcome.record, requestHash);
        if (answer) return answer;
        break; // written and expired between the two reads: decide again
      }
      case 'retro-limit':
        return refusalAnswer({ code: 'DAILY_LIMIT_REACHED', rule: 'PAY-06', message: 'at most 20 retroactive payments per card per day', status: 422 });
      case 'makeup-taken':
        return refusalAnswer({ code: 'DAILY_LIMIT_REACHED', rule: 'PAY-07', message: 'one makeup payment per card, service and day', status: 422 });
      case 'stale-voucher':
      case 'contention':
        await pause(attempt);
    }
  }
  return inProgress();
}

export interface CancelRequest {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
}

export async function cancelPayment(port: PaymentPort, terminal: PayingTerminal, approvalNumber: string, request: CancelRequest, requestHash: string, clock: Clock): Promise<Answer> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const earlier = replay(await port.transactionRecord(terminal.serial, request.transactionId), requestHash);
    if (earlier) return earlier;
    if (terminal.status !== 'ACTIVE') return refusalAnswer({ code: 'TERMINAL_INACTIVE', rule: 'PAY-01', message: 'the terminal is cancelled (해지)', status: 422 });
    const businessNumber = await port.providerBusinessNumber(terminal.providerId);
    if (request.terminalPhone !== terminal.phone || request.businessNumber !== businessNumber)
      return refusalAnswer({ code: 'TERMINAL_MISMATCH', rule: 'PAY-01', message: 'serial, phone number and business number do not match the registry', status: 422 });

    const now = clock.now();
    const payment = await port.payment(terminal.providerId, approvalNumber);
    const decision = decideCancel(payment, terminal.providerId, now);
    if (!decision.ok) return refusalAnswer(decision.refusal);
    const p = payment!;
    const voucher = await port.voucher(p.recipientId, p.voucherMonth, p.serviceCode);
    if (!voucher) throw new Error(`voucher of payment ${p.approvalNumber} is missing`);
    const response = {
      approvalNumber: p.approvalNumber,
      status: 'CANCELLED',
      voucher: { month: p.voucherMonth, remainingAmount: voucher.remainingAmount + p.amount, remainingSessions: voucher.remainingSessions + 1 },
    };
    const outcome = await port.cancel({
      payment: p,
      voucherVersion: voucher.version,
      remainingAmount: response.voucher.remainingAmount,
      remainingSessions: response.voucher.remainingSessions,
      serial: terminal.serial,
      transactionId: request.transactionId,
      requestHash,
      response,
      cancelledAt: formatKst(now),
      today: kstDate(now),
      nowEpochSeconds: Math.floor(now.getTime() / 1000),
    });
    if (outcome === 'cancelled') return { status: 200, body: response };
    // duplicate / not-cancellable: the next round answers from the stored record or refuses.
    if (outcome === 'stale-voucher' || outcome === 'contention') await pause(attempt);
  }
  return inProgress();
}

/** PAY-12: what a card has left on a service this month, for the terminal's own provider. */
export async function balanceOf(port: PaymentPort, terminal: PayingTerminal, cardNumber: string, serviceCode: string, clock: Clock): Promise<Answer> {
  const now = clock.now();
  const today = kstDate(now);
  const card = await port.card(cardNumber);
  if (!card || card.status !== 'ACTIVE') return refusalAnswer({ code: 'CARD_INACTIVE', rule: 'PAY-03', message: 'the card is not active', status: 422 });
  const month = kstMonth(now);
  const { contracts, voucher } = await port.holder(card.recipientId, month, serviceCode);
  if (!contracts.some((c) => c.providerId === terminal.providerId && c.serviceCode === serviceCode && periodContains(c, today)))
    return refusalAnswer({ code: 'NO_CONTRACT', rule: 'PAY-03', message: 'the card holder has no contract with this provider for this service', status: 422 });
  if (!voucher) return refusalAnswer({ code: 'NO_VOUCHER', rule: 'PAY-03', message: `no voucher of ${month} for this card and service`, status: 422 });
  return {
    status: 200,
    body: { cardNumber: maskCardNumber(cardNumber), serviceCode, month, remainingAmount: voucher.remainingAmount, remainingSessions: voucher.remainingSessions },
  };
}
