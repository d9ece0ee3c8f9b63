/**
 * The decision of one terminal payment request (PAY-01 … PAY-08, VCH-04). Pure: given the
 * request, the registry records it names and the voucher, it approves with an exact plan or
 * refuses with the rule. The store then writes the plan in one conditional transaction, which is
 * what really guards the money (PAY-08).
 */
import { type Contract, periodContains, type ProgramTerms, type ServiceType, suspendedOn, type TimeTerms } from '../registry/entities';
import type { HolidayCalendar } from '../shared/business-days';
import { formatKst, type IsoDate, kstDate, monthOf } from '../shared/calendar';
import { type Refusal, refusalOf } from '../shared/result';
import { lastRetroDay, MAKEUP_REASONS, NORMAL_EARLY_MINUTES, type PayingCard, type PayingTerminal, type PayingWorker, type Payment, type PaymentRequest, RETRO_REASONS, type VoucherBalance } from './payment';
import type { PaymentDecisionRefusal } from './refusals';
import { billSession, coverBill, MAX_RETRO_TIME_MINUTES } from './time';

export interface PaymentContext {
  now: Date;
  terminal: PayingTerminal | null;
  providerBusinessNumber: string | null;
  serviceType: ServiceType | undefined;
  program: ProgramTerms | undefined;
  worker: PayingWorker | null;
  card: PayingCard | null;
  /** The card holder's contracts. */
  contracts: Contract[];
  /** The voucher of the service month (VCH-04), if generated. */
  voucher: VoucherBalance | null;
  /** TIME-02: which days are holidays (the surcharge). */
  holidays: HolidayCalendar;
}

/** What the store writes for an approval, all in one transaction. */
export interface ApprovalPlan {
  payment: Omit<Payment, 'approvalNumber'>;
  voucher: { expectedVersion: number; remainingAmount: number; remainingSessions: number; remainingMinutes?: number };
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

/** PAY-01: a registered, active terminal whose serial, phone and business number all match. */
export function checkTerminal(request: Pick<PaymentRequest, 'terminalPhone' | 'businessNumber'>, ctx: Pick<PaymentContext, 'terminal' | 'providerBusinessNumber'>, serial: string) {
  const { terminal } = ctx;
  if (!terminal) return refuse('TERMINAL_MISMATCH', 'PAY-01', 'the terminal is not registered');
  if (terminal.status !== 'ACTIVE') return refuse('TERMINAL_INACTIVE', 'PAY-01', 'the terminal is cancelled (해지)');
  if (terminal.phone !== request.terminalPhone || ctx.providerBusinessNumber !== request.businessNumber || terminal.serial !== serial)
    return refuse('TERMINAL_MISMATCH', 'PAY-01', 'serial, phone number and business number do not match the registry');
  return { ok: true as const, terminal };
}

/** PAY-02 and PAY-03: the worker of this provider under contract, an active card whose holder has a contract for the service on the date. */
export function checkParties(request: Pick<PaymentRequest, 'serviceCode' | 'serviceDate'>, ctx: PaymentContext, terminal: PayingTerminal, serviceType: ServiceType, program: ProgramTerms) {
  const worker = ctx.worker;
  if (
    !worker ||
    worker.providerId !== terminal.providerId ||
    !worker.contracts.some((c) => c.programCode === serviceType.programCode && periodContains(c, request.serviceDate)) ||
    (program.requiresTerminalMatch && !terminal.workerIds.includes(worker.workerId)) ||
    (terminal.kind === 'SMARTPHONE' && !terminal.workerIds.includes(worker.workerId))
  )
    return refuse('WORKER_NOT_ELIGIBLE', 'PAY-02', 'the worker payment ID is not eligible for this provider, program, date and terminal');
  const card = ctx.card;
  // No existence oracle: a card never issued and the card of someone this provider has no contract
  // with get the same answer; only a card of its own card holders is said to be inactive.
  if (!card || !servesHolder(ctx.contracts, card, terminal.providerId)) return refuse('NO_CONTRACT', 'PAY-03', NO_CONTRACT_ON_DATE);
  if (card.status !== 'ACTIVE') return refuse('CARD_INACTIVE', 'PAY-03', 'the card is not active');
  const contract = ctx.contracts.find(
    (c) => c.recipientId === card.recipientId && c.providerId === terminal.providerId && c.serviceCode === request.serviceCode && !suspendedOn(c, request.serviceDate) && periodContains(c, request.serviceDate) && (c.terminatedOn === undefined || request.serviceDate < c.terminatedOn),
  );
  if (!contract) return refuse('NO_CONTRACT', 'PAY-03', NO_CONTRACT_ON_DATE);
  return { ok: true as const, worker, card, contract };
}

const NO_CONTRACT_ON_DATE = 'the card holder has no contract with this provider for this service on the service date';

/** Whether the provider has (or had) any contract with the card's holder: only then may it learn the card's state. */
export function servesHolder(contracts: readonly Pick<Contract, 'recipientId' | 'providerId'>[], card: { recipientId: string }, providerId: string): boolean {
  return contracts.some((c) => c.recipientId === card.recipientId && c.providerId === providerId);
}

/** What a time payment's plan takes: its amount, minutes and the rest it records (TIME-02). */
interface TimeTake {
  amount: number;
  minutes: number;
  uncoveredAmount: number;
  serviceEndAt: string;
}

/** TIME-04: a retroactive time payment gives its service's start and end; its amount follows TIME-02. */
function decideRetroTime(request: PaymentRequest, terms: TimeTerms, voucher: VoucherBalance, holidays: HolidayCalendar) {
  if (request.amount !== null || !request.serviceStartAt || !request.serviceEndAt)
    return refuse('USE_SERVICE_TIMES', 'TIME-04', 'a retroactive time payment gives serviceStartAt and serviceEndAt, and amount null');
  const start = new Date(request.serviceStartAt);
  const end = new Date(request.serviceEndAt);
  if (kstDate(start) !== request.serviceDate) return refuse('USE_SERVICE_TIMES', 'TIME-04', 'the service starts on its service date');
  if (end.getTime() <= start.getTime() || end.getTime() - start.getTime() > MAX_RETRO_TIME_MINUTES * 60_000)
    return refuse('USE_SERVICE_TIMES', 'TIME-04', `a retroactive time payment lasts more than nothing and at most ${MAX_RETRO_TIME_MINUTES / 60} hours`);
  const bill = billSession(terms, start, end, holidays);
  if (bill.units === 0) return refuse('BELOW_ONE_UNIT', 'TIME-02', `a service shorter than one billing unit (${terms.unitMinutes} minutes) creates no payment`);
  const cover = coverBill(terms, bill, { remainingAmount: voucher.remainingAmount, remainingMinutes: voucher.remainingMinutes ?? 0 });
  if (cover.amount === 0) return refuse('INSUFFICIENT_BALANCE', 'PAY-04', `the voucher has ${voucher.remainingAmount} won and ${voucher.remainingMinutes ?? 0} minutes left`);
  return { ok: true as const, take: { amount: cover.amount, minutes: cover.minutes, uncoveredAmount: cover.uncoveredAmount, serviceEndAt: formatKst(end) } satisfies TimeTake };
}

/** PAY-01 … PAY-08, VCH-04 for one request. The first rule that refuses decides the answer. */
export function decidePayment(request: PaymentRequest, ctx: PaymentContext, serial: string): PaymentDecision {
  const today = kstDate(ctx.now);
  const checked = checkTerminal(request, ctx, serial);
  if (!checked.ok) return checked;
  const { terminal } = checked;

  // PAY-06/07: the reason that makes a retroactive or makeup payment.
  if (request.kind === 'RETRO' && !(RETRO_REASONS as readonly string[]).includes(request.reason ?? ''))
    return refuse('REASON_REQUIRED', 'PAY-06', `a retroactive payment needs a reason: ${RETRO_REASONS.join(', ')}`);
  if (request.kind === 'MAKEUP' && !(MAKEUP_REASONS as readonly string[]).includes(request.reason ?? ''))
    return refuse('REASON_REQUIRED', 'PAY-07', 'a makeup payment needs the reason RESCHEDULED');

  const { serviceType, program } = ctx;
  if (!serviceType || !program) return refuse('NO_CONTRACT', 'PAY-03', `service code ${request.serviceCode} is not registered`);
  const timed = program.kind === 'TIME';
  // §4.6: a time program's service is paid by its start and end tags, or retroactively by its times.
  if (timed && (request.kind !== 'RETRO' || !program.time)) return refuse('USE_SESSION_TAGS', '§4.6', 'time-based programs are paid by start and end tags, or retroactively with serviceStartAt and serviceEndAt');
  if (!timed && request.amount === null) return refuse('AMOUNT_REQUIRED', 'PAY-04', 'a payment of a session program gives its amount');

  const parties = checkParties(request, ctx, terminal, serviceType, program);
  if (!parties.ok) return parties;
  const { worker, card } = parties;

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

  let amount: number;
  let time: TimeTake | undefined;
  let dayLock: ApprovalPlan['dayLock'];
  if (timed) {
    // TIME-04: the amount follows TIME-02; several services a day are normal, so no day is locked
    // (overlapping times are screening's, SCR-01).
    const retro = decideRetroTime(request, program.time!, voucher, ctx.holidays);
    if (!retro.ok) return retro;
    time = retro.take;
    amount = time.amount;
  } else {
    amount = request.amount!;
    // PAY-04: a whole, positive amount within the session amount, the balance and the sessions.
    if (voucher.remainingSessions < 1) return refuse('NO_SESSIONS_LEFT', 'PAY-04', `all ${voucher.grantedSessions} sessions of ${serviceMonth} are used`);
    if (amount > voucher.perSessionAmount) return refuse('AMOUNT_EXCEEDS_SESSION', 'PAY-04', `a session pays at most ${voucher.perSessionAmount} won`);
    if (amount > voucher.remainingAmount) return refuse('INSUFFICIENT_BALANCE', 'PAY-04', `the voucher has ${voucher.remainingAmount} won left`);

    // PAY-05/06: one normal or retroactive payment per card × service × service date; the voucher's
    // `paidDays` says which dates have one, and the approval writes its date there under the
    // voucher's version condition, so two at once cannot both pass.
    if (request.kind === 'NORMAL') {
      if (voucher.paidDays.includes(today)) return refuse('DAILY_LIMIT_REACHED', 'PAY-05', 'one normal payment per card, service and day');
      dayLock = { list: 'paidDays', day: today };
    } else if (request.kind === 'RETRO') {
      if (voucher.paidDays.includes(request.serviceDate)) return refuse('DAILY_LIMIT_REACHED', 'PAY-06', 'a retroactive payment stands in for the normal payment of its date, and that date is paid');
      dayLock = { list: 'paidDays', day: request.serviceDate };
    }
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
        amount,
        kind: request.kind,
        reason: request.reason ?? null,
        serviceDate: request.serviceDate,
        serviceStartAt: request.serviceStartAt ? (time ? formatKst(new Date(request.serviceStartAt)) : request.serviceStartAt) : null,
        ...(time ? { serviceEndAt: time.serviceEndAt, minutes: time.minutes, uncoveredAmount: time.uncoveredAmount } : {}),
        voucherMonth: serviceMonth,
        approvedAt: formatKst(ctx.now),
        approvalDate: today,
        status: 'APPROVED',
      },
      voucher: {
        expectedVersion: voucher.version,
        remainingAmount: voucher.remainingAmount - amount,
        ...(time ? { remainingSessions: voucher.remainingSessions, remainingMinutes: (voucher.remainingMinutes ?? 0) - time.minutes } : { remainingSessions: voucher.remainingSessions - 1 }),
      },
      ...(dayLock ? { dayLock } : {}),
      ...(request.kind === 'RETRO' ? { retroDay: today } : {}),
      ...(request.kind === 'MAKEUP' ? { makeupDay: today } : {}),
    },
  };
}
