/**
 * The decision of one terminal payment request (PAY-01 … PAY-08, VCH-04). Pure: given the
 * request, the registry records it names and the voucher, it approves with an exact plan or
 * refuses with the rule. The store then writes the plan in one conditional transaction, which is
 * what really guards the money (PAY-08).
 */
import { type Contract, periodContains, type ProgramKind, type ServiceType, suspendedOn } from '../registry/entities';
import { formatKst, type IsoDate, kstDate, monthOf } from '../shared/calendar';
import { type Refusal, refusalOf } from '../shared/result';
import { lastRetroDay, MAKEUP_REASONS, NORMAL_EARLY_MINUTES, type PayingCard, type PayingTerminal, type PayingWorker, type Payment, type PaymentRequest, RETRO_REASONS, type VoucherBalance } from './payment';
import type { PaymentDecisionRefusal } from './refusals';

export interface PaymentContext {
  now: Date;
  terminal: PayingTerminal | null;
  providerBusinessNumber: string | null;
  serviceType: ServiceType | undefined;
  program: { kind: ProgramKind; requiresTerminalMatch: boolean } | undefined;
  worker: PayingWorker | null;
  card: PayingCard | null;
  /** The card holder's contracts. */
  contracts: Contract[];
  /** The voucher of the service month (VCH-04), if generated. */
  voucher: VoucherBalance | null;
}

/** What the store writes for an approval, all in one transaction. */
export interface ApprovalPlan {
  payment: Omit<Payment, 'approvalNumber'>;
  voucher: { expectedVersion: number; remainingAmount: number; remainingSessions: number };
  /** PAY-05: the day a normal payment takes on its voucher (the service month is today's). */
  dayLock?: { list: 'paidDays'; day: IsoDate };
  /**
   * PAY-07: the card × service × day a makeup payment takes. It is its own item, not a day on the
   * voucher: two makeups of one day may use the vouchers of two different months.
   */
  makeupDay?: IsoDate;
  /** PAY-06: the card × approval day whose retroactive count this payment raises. */
  retroDay?: IsoDate;
}

export type PaymentDecision = { ok: true; plan: ApprovalPlan } | Refusal<PaymentDecisionRefusal>;

const refuse = refusalOf<PaymentDecisionRefusal>();

/** PAY-01 … PAY-08, VCH-04 for one request. The first rule that refuses decides the answer. */
export function decidePayment(request: PaymentRequest, ctx: PaymentContext, serial: string): PaymentDecision {
  const { terminal } = ctx;
  const today = kstDate(ctx.now);

  // PAY-01: a registered, active terminal whose serial, phone and business number all match.
  if (!terminal) return refuse('TERMINAL_MISMATCH', 'PAY-01', 'the terminal is not registered');
  if (terminal.status !== 'ACTIVE') return refuse('TERMINAL_INACTIVE', 'PAY-01', 'the terminal is cancelled (해지)');
  if (terminal.phone !== request.terminalPhone || ctx.providerBusinessNumber !== request.businessNumber || terminal.serial !== serial)
    return refuse('TERMINAL_MISMATCH', 'PAY-01', 'serial, phone number and business number do not match the registry');

  // PAY-06/07: the reason that makes a retroactive or makeup payment.
  if (request.kind === 'RETRO' && !(RETRO_REASONS as readonly string[]).includes(request.reason ?? ''))
    return refuse('REASON_REQUIRED', 'PAY-06', `a retroactive payment needs a reason: ${RETRO_REASONS.join(', ')}`);
  if (request.kind === 'MAKEUP' && !(MAKEUP_REASONS as readonly string[]).includes(request.reason ?? ''))
    return refuse('REASON_REQUIRED', 'PAY-07', 'a makeup payment needs the reason RESCHEDULED');

  const { serviceType, program } = ctx;
  if (!serviceType || !program) return refuse('NO_CONTRACT', 'PAY-03', `service code ${request.serviceCode} is not registered`);
  if (program.kind !== 'SESSION') return refuse('USE_SESSION_TAGS', '§4.6', 'time-based programs are paid by start and end tags');

  // PAY-02: the worker of this provider, under contract for the program on the service date.
  const worker = ctx.worker;
  if (
    !worker ||
    worker.providerId !== terminal.providerId ||
    !worker.contracts.some((c) => c.programCode === serviceType.programCode && periodContains(c, request.serviceDate)) ||
    (program.requiresTerminalMatch && !terminal.workerIds.includes(worker.workerId)) ||
    (terminal.kind === 'SMARTPHONE' && !terminal.workerIds.includes(worker.workerId))
  )
    return refuse('WORKER_NOT_ELIGIBLE', 'PAY-02', 'the worker payment ID is not eligible for this provider, program, date and terminal');

  // PAY-03: an active card whose holder has a contract with this provider for this service.
  const card = ctx.card;
  if (!card || card.status !== 'ACTIVE') return refuse('CARD_INACTIVE', 'PAY-03', 'the card is not active');
  const contract = ctx.contracts.find(
    (c) => c.recipientId === card.recipientId && c.providerId === terminal.providerId && c.serviceCode === request.serviceCode && !suspendedOn(c, request.serviceDate) && periodContains(c, request.serviceDate) && (c.terminatedOn === undefined || request.serviceDate < c.terminatedOn),
  );
  if (!contract) return refuse('NO_CONTRACT', 'PAY-03', 'the card holder has no contract with this provider for this service on the service date');

  // PAY-05/06/07 and VCH-04: when each kind of payment may be taken.
  const serviceMonth = monthOf(request.serviceDate);
  if (request.serviceDate > today) return refuse('OUTSIDE_PAYMENT_WINDOW', 'PAY-05', 'a service cannot be paid before its date');
  if (request.kind === 'NORMAL') {
    if (request.serviceDate !== today) return refuse('OUTSIDE_PAYMENT_WINDOW', 'PAY-05', 'a normal payment is for today\'s service; past services are paid retroactively');
    const start = request.serviceStartAt ? new Date(request.serviceStartAt) : null;
    if (!start || kstDate(start) !== request.serviceDate || ctx.now.getTime() < start.getTime() - NORMAL_EARLY_MINUTES * 60_000)
      return refuse('OUTSIDE_PAYMENT_WINDOW', 'PAY-05', `a normal payment may be taken from ${NORMAL_EARLY_MINUTES} minutes before the service start, on the same day`);
  } else if (request.kind === 'RETRO' && request.serviceDate >= today) {
    return refuse('OUTSIDE_PAYMENT_WINDOW', 'PAY-06', 'a retroactive payment is for a service date before today; today\'s service is paid normally');
  } else if (today > lastRetroDay(serviceMonth)) {
    return refuse('RETRO_PERIOD_EXPIRED', request.kind === 'RETRO' ? 'PAY-06' : 'PAY-07', `services of ${serviceMonth} could be paid until ${lastRetroDay(serviceMonth)}`);
  }

  const voucher = ctx.voucher;
  if (!voucher) return refuse('NO_VOUCHER', 'PAY-03', `no voucher of ${serviceMonth} for this card and service`);

  // PAY-04: a whole, positive amount within the session amount, the balance and the sessions.
  if (voucher.remainingSessions < 1) return refuse('NO_SESSIONS_LEFT', 'PAY-04', `all ${voucher.grantedSessions} sessions of ${serviceMonth} are used`);
  if (request.amount > voucher.perSessionAmount) return refuse('AMOUNT_EXCEEDS_SESSION', 'PAY-04', `a session pays at most ${voucher.perSessionAmount} won`);
  if (request.amount > voucher.remainingAmount) return refuse('INSUFFICIENT_BALANCE', 'PAY-04', `the voucher has ${voucher.remainingAmount} won left`);

  // PAY-05/06: one normal or retroactive payment per card × service × service date; the voucher's
  // `paidDays` says which dates have one, and the approval writes its date there under the
  // voucher's version condition, so two at once cannot both pass.
  let dayLock: ApprovalPlan['dayLock'];
  if (request.kind === 'NORMAL') {
    if (voucher.paidDays.includes(today)) return refuse('DAILY_LIMIT_REACHED', 'PAY-05', 'one normal payment per card, service and day');
    dayLock = { list: 'paidDays', day: today };
  } else if (request.kind === 'RETRO') {
    if (voucher.paidDays.includes(request.serviceDate)) return refuse('DAILY_LIMIT_REACHED', 'PAY-06', 'a retroactive payment stands in for the normal payment of its date, and that date is paid');
    dayLock = { list: 'paidDays', day: request.serviceDate };
  }

  return {
    ok: true,
    plan: {
      payment: {
        transactionId: request.transactionId,
        terminalSerial: terminal.serial,
        channel: terminal.kind === 'SMARTPHONE' ? 'SMARTPHONE' : 'TERMINAL',
        providerId: terminal.providerId,
        programCode: serviceType.programCode,
        serviceCode: request.serviceCode,
        workerId: worker.workerId,
        workerPaymentId: worker.workerPaymentId,
        recipientId: card.recipientId,
        cardNumber: card.cardNumber,
        municipalityCode: voucher.municipalityCode,
        amount: request.amount,
        kind: request.kind,
        reason: request.reason ?? null,
        serviceDate: request.serviceDate,
        serviceStartAt: request.serviceStartAt ?? null,
        voucherMonth: serviceMonth,
        approvedAt: formatKst(ctx.now),
        approvalDate: today,
        status: 'APPROVED',
      },
      voucher: { expectedVersion: voucher.version, remainingAmount: voucher.remainingAmount - request.amount, remainingSessions: voucher.remainingSessions - 1 },
      ...(dayLock ? { dayLock } : {}),
      ...(request.kind === 'RETRO' ? { retroDay: today } : {}),
      ...(request.kind === 'MAKEUP' ? { makeupDay: today } : {}),
    },
  };
}
