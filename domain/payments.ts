/**
 * Voucher payments (바우처 결제, domain.md §4.2–4.5, §4.7): the decision of one terminal request.
 * Pure: given the request, the registry records it names and the voucher, it approves with an
 * exact plan or refuses with the rule. The store then writes the plan in one conditional
 * transaction, which is what really guards the money (PAY-08).
 */
import { addDays, addMonths, formatKst, kstDate, lastDayOf, monthOf, type IsoDate, type YearMonth } from './calendar';
import { periodContains, type Contract, type ProgramKind, type ServiceType, type TerminalKind } from './registry';

export type PaymentKind = 'NORMAL' | 'RETRO' | 'MAKEUP';
/** §4.5: where the payment came from. */
export type PaymentChannel = 'TERMINAL' | 'SMARTPHONE' | 'EXCEPTION_CLAIM';

export const RETRO_REASONS = ['TERMINAL_LOST', 'TERMINAL_BROKEN', 'CARD_LOST', 'CARD_DAMAGED', 'TERMINAL_NOT_DELIVERED', 'NO_CARD_FIRST_MONTH', 'SERVER_UNREACHABLE'] as const;
export const MAKEUP_REASONS = ['RESCHEDULED'] as const;
export type PaymentReason = (typeof RETRO_REASONS)[number] | (typeof MAKEUP_REASONS)[number];

/** PAY-05: a normal payment may be taken from this many minutes before the scheduled start. */
export const NORMAL_EARLY_MINUTES = 30;
/** PAY-06: retroactive payments per card per day. */
export const MAX_RETRO_PER_CARD_PER_DAY = 20;

export interface PaymentRequest {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
  serviceCode: string;
  workerPaymentId: string;
  cardNumber: string;
  amount: number;
  kind: PaymentKind;
  serviceDate: IsoDate;
  serviceStartAt?: string | null;
  reason?: PaymentReason | null;
}

export interface TerminalRecord {
  serial: string;
  phone: string;
  providerId: string;
  kind: TerminalKind;
  status: 'ACTIVE' | 'CANCELLED';
  workerIds: string[];
}

export interface WorkerRecord {
  workerId: string;
  providerId: string;
  workerPaymentId: string;
  contracts: { programCode: string; from: IsoDate; to: IsoDate | null }[];
}

export interface CardRecord {
  cardNumber: string;
  recipientId: string;
  status: 'ACTIVE' | 'LOST' | 'REPLACED';
}

/** A voucher as payments see it: what is left, and the days already used (PAY-05/07). */
export interface VoucherBalance {
  recipientId: string;
  serviceCode: string;
  programCode: string;
  month: YearMonth;
  grantedAmount: number;
  grantedSessions: number;
  perSessionAmount: number;
  remainingAmount: number;
  remainingSessions: number;
  municipalityCode: string;
  /** Optimistic concurrency: every payment or restoration moves it by one. */
  version: number;
  normalDays: IsoDate[];
}

export interface PaymentContext {
  now: Date;
  terminal: TerminalRecord | null;
  providerBusinessNumber: string | null;
  serviceType: ServiceType | undefined;
  program: { kind: ProgramKind; requiresTerminalMatch: boolean } | undefined;
  worker: WorkerRecord | null;
  card: CardRecord | null;
  /** The card holder's contracts. */
  contracts: Contract[];
  /** The voucher of the service month (VCH-04), if generated. */
  voucher: VoucherBalance | null;
}

export type PaymentStatus = 'APPROVED' | 'CANCELLED' | 'REFUNDED';

/** An approved payment (승인). */
export interface Payment {
  approvalNumber: string;
  transactionId: string;
  terminalSerial: string;
  channel: PaymentChannel;
  providerId: string;
  programCode: string;
  serviceCode: string;
  workerId: string;
  workerPaymentId: string;
  recipientId: string;
  cardNumber: string;
  municipalityCode: string;
  amount: number;
  kind: PaymentKind;
  reason: PaymentReason | null;
  serviceDate: IsoDate;
  serviceStartAt: string | null;
  voucherMonth: YearMonth;
  approvedAt: string;
  approvalDate: IsoDate;
  status: PaymentStatus;
  cancelledAt?: string;
  refundId?: string;
  refundedAt?: string;
  /** PAY-11: the day whose payout cycle recovers a refunded payment. */
  recoveredOn?: IsoDate;
}

export interface Refusal {
  code: string;
  rule: string;
  message: string;
  /** 422 for business refusals, 409 for state conflicts, 404 for what is not the caller's. */
  status: 404 | 409 | 422;
}

/** What the store writes for an approval, all in one transaction. */
export interface ApprovalPlan {
  payment: Omit<Payment, 'approvalNumber'>;
  voucher: { expectedVersion: number; remainingAmount: number; remainingSessions: number };
  /** PAY-05: the day a normal payment takes on its voucher (the service month is today's). */
  dayLock?: { list: 'normalDays'; day: IsoDate };
  /**
   * PAY-07: the card × service × day a makeup payment takes. It is its own item, not a day on the
   * voucher: two makeups of one day may use the vouchers of two different months.
   */
  makeupDay?: IsoDate;
  /** PAY-06: the card × approval day whose retroactive count this payment raises. */
  retroDay?: IsoDate;
}

export type PaymentDecision = { ok: true; plan: ApprovalPlan } | { ok: false; refusal: Refusal };

const refuse = (code: string, rule: string, message: string, status: 409 | 422 = 422): PaymentDecision => ({ ok: false, refusal: { code, rule, message, status } });

/** VCH-04: a voucher of month M takes retroactive and makeup payments until the end of M+1. */
export function lastRetroDay(serviceMonth: YearMonth): IsoDate {
  return lastDayOf(addMonths(serviceMonth, 1));
}

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
    (c) => c.recipientId === card.recipientId && c.providerId === terminal.providerId && c.serviceCode === request.serviceCode && c.status !== 'SUSPENDED' && periodContains(c, request.serviceDate) && (c.terminatedOn === undefined || request.serviceDate < c.terminatedOn),
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
  } else if (today > lastRetroDay(serviceMonth)) {
    return refuse('RETRO_PERIOD_EXPIRED', request.kind === 'RETRO' ? 'PAY-06' : 'PAY-07', `services of ${serviceMonth} could be paid until ${lastRetroDay(serviceMonth)}`);
  }

  const voucher = ctx.voucher;
  if (!voucher) return refuse('NO_VOUCHER', 'PAY-03', `no voucher of ${serviceMonth} for this card and service`);

  // PAY-04: a whole, positive amount within the session amount, the balance and the sessions.
  if (voucher.remainingSessions < 1) return refuse('NO_SESSIONS_LEFT', 'PAY-04', `all ${voucher.grantedSessions} sessions of ${serviceMonth} are used`);
  if (request.amount > voucher.perSessionAmount) return refuse('AMOUNT_EXCEEDS_SESSION', 'PAY-04', `a session pays at most ${voucher.perSessionAmount} won`);
  if (request.amount > voucher.remainingAmount) return refuse('INSUFFICIENT_BALANCE', 'PAY-04', `the voucher has ${voucher.remainingAmount} won left`);

  let dayLock: ApprovalPlan['dayLock'];
  if (request.kind === 'NORMAL') {
    if (voucher.normalDays.includes(today)) return refuse('DAILY_LIMIT_REACHED', 'PAY-05', 'one normal payment per card, service and day');
    dayLock = { list: 'normalDays', day: today };
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

/** 승인번호: the approval date (YYMMDD) and eight digits, unique system-wide (the store checks). */
export function approvalNumber(approvalDate: IsoDate, eightDigits: string): string {
  if (!/^\d{8}$/.test(eightDigits)) throw new Error('approval numbers end in eight digits');
  return `${approvalDate.slice(2, 4)}${approvalDate.slice(5, 7)}${approvalDate.slice(8, 10)}${eightDigits}`;
}

/** PAY-10: the terminal cancels on the calendar day of approval only; later it is a refund. */
export function decideCancel(payment: Payment | null, providerId: string, now: Date): { ok: true } | { ok: false; refusal: Refusal } {
  if (!payment || payment.providerId !== providerId) return { ok: false, refusal: { code: 'NOT_FOUND', rule: 'PAY-10', message: 'no such approval for this provider', status: 404 } };
  if (payment.status === 'CANCELLED') return { ok: false, refusal: { code: 'ALREADY_CANCELLED', rule: 'PAY-10', message: 'the payment is already cancelled', status: 409 } };
  if (payment.status !== 'APPROVED' || payment.approvalDate !== kstDate(now))
    return { ok: false, refusal: { code: 'USE_REFUND_REQUEST', rule: 'PAY-10', message: 'only a payment approved today can be cancelled at the terminal; ask for a refund (PAY-11)', status: 422 } };
  return { ok: true };
}

export interface DayTotals {
  date: IsoDate;
  approved: { count: number; amount: number };
  cancelled: { count: number; amount: number };
}

/** PAY-13: approvals and cancellations per day (a cancellation counts on its own day). */
export function dailyTotals(payments: readonly Pick<Payment, 'approvalDate' | 'amount' | 'cancelledAt'>[], from: IsoDate, to: IsoDate): DayTotals[] {
  const days = new Map<IsoDate, DayTotals>();
  for (let d = from; d <= to; d = addDays(d, 1)) days.set(d, { date: d, approved: { count: 0, amount: 0 }, cancelled: { count: 0, amount: 0 } });
  for (const p of payments) {
    const approved = days.get(p.approvalDate);
    if (approved) {
      approved.approved.count++;
      approved.approved.amount += p.amount;
    }
    const cancelled = p.cancelledAt ? days.get(p.cancelledAt.slice(0, 10)) : undefined;
    if (cancelled) {
      cancelled.cancelled.count++;
      cancelled.cancelled.amount += p.amount;
    }
  }
  return [...days.values()];
}
