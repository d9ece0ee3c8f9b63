/**
 * The independent auditor: a plain, slow model of domain.md that predicts every answer the system
 * gives and the money it must show at the end of every simulated day. It imports nothing from
 * domain/, functions/ or events/ (an architecture test keeps it so): where it agrees with the
 * system, two separate readings of the spec agree.
 */
import { addMonths, cycleOf, isBusinessDay, isHoliday, kstDay, lastDayOfMonth, nextBusinessDay, weekday } from './calendar';
import type { SimWorld } from './world';
import { ACTIVITY_TERMS, isTimeService, runsOn, service, workerEligible } from './world';

export type Kind = 'NORMAL' | 'RETRO' | 'MAKEUP';
export const RETRO_REASONS = ['TERMINAL_LOST', 'TERMINAL_BROKEN', 'CARD_LOST', 'CARD_DAMAGED', 'TERMINAL_NOT_DELIVERED', 'NO_CARD_FIRST_MONTH', 'SERVER_UNREACHABLE'];

export interface PaymentRequestBody {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
  serviceCode: string;
  workerPaymentId: string;
  cardNumber: string;
  /** `null` for a retroactive time payment, whose amount follows from its times (TIME-04). */
  amount: number | null;
  kind: Kind;
  serviceDate: string;
  serviceStartAt: string;
  /** TIME-04: the end of a retroactive time payment's service. */
  serviceEndAt?: string;
  reason: string | null;
}

/** What the auditor expects an answer to be; `approvalNumber` is learnt from the first answer. */
export interface Expected {
  status: number;
  code?: string;
  body?: Record<string, unknown>;
}

export interface ModelPayment {
  approvalNumber: string;
  providerId: string;
  programCode: string;
  serviceCode: string;
  recipientId: string;
  cardNumber: string;
  municipalityCode: string;
  workerPaymentId: string;
  amount: number;
  kind: Kind;
  serviceDate: string;
  serviceStartAt: string;
  voucherMonth: string;
  approvedAt: string;
  approvalDay: string;
  status: 'APPROVED' | 'CANCELLED' | 'REFUNDED';
  /** §4.6: a time payment's billed minutes (its voucher gives them back with its won). */
  minutes?: number;
  /**
   * SCR-02 (approved 23:00–06:00), SCR-03/04 (a death or a departure recorded later, SCR-05) or
   * HOLD-03 (a municipality's): held until reviewed or withdrawn.
   */
  hold: null | { holdId: string; ruleId: 'SCR-02' | 'SCR-03' | 'SCR-04' | 'HOLD-03'; state: 'OPEN' | 'PAY' | 'NO_PAY' | 'WITHDRAWN'; decidedAt?: string; /** A hold raised by a later event (SCR-05) exists once that day is drained. */ raisedOn?: string; /** Where an open hold stands between provider and agency (§5). */ stage?: 'DOCUMENTS_SUBMITTED' | 'SUPPLEMENT_REQUESTED' };
  refund: null | { refundId: string; state: 'REQUESTED' | 'APPROVED' | 'REJECTED'; decidedAt?: string };
}

interface ModelVoucher {
  recipientId: string;
  month: string;
  serviceCode: string;
  municipalityCode: string;
  granted: number;
  sessions: number;
  perSession: number;
  remaining: number;
  sessionsLeft: number;
  /** PAY-05/06: the service dates taken by a normal or retroactive payment. */
  paidDays: Set<string>;
  /** §4.6: a time voucher's monthly minutes and what is left of them. */
  minutes?: number;
  minutesLeft?: number;
}

/** A tagged session of a time program (TIME-01…03). */
export interface ModelSession {
  sessionId: string;
  providerId: string;
  serviceCode: string;
  recipientId: string;
  cardNumber: string;
  workerPaymentId: string;
  startedAt: string;
  expiresAt: string;
  status: 'OPEN' | 'CLOSED' | 'CLOSED_UNBILLED' | 'EXPIRED';
}

export interface TagBody {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
  serviceCode?: string;
  workerPaymentId?: string;
  cardNumber?: string;
}

/**
 * TIME-02 as the auditor reads it: whole units of the elapsed minutes; a unit starting 22:00–06:00
 * KST, on a Sunday, a public holiday or 1 May costs the multiple; the won are the sum, rounded
 * down once. Counted in hundredths of a won-minute so that nothing is a fraction.
 */
export function timeBill(startIso: string, endIso: string, remaining?: { amount: number; minutes: number }): { units: number; minutes: number; amount: number; paid: number; paidMinutes: number } {
  const t = ACTIVITY_TERMS;
  const start = Date.parse(startIso);
  const units = Math.floor(Math.floor((Date.parse(endIso) - start) / 60_000) / t.unitMinutes);
  const weights: number[] = [];
  for (let i = 0; i < units; i++) {
    const kst = new Date(start + i * t.unitMinutes * 60_000 + 9 * 3_600_000);
    const day = kst.toISOString().slice(0, 10);
    const hour = kst.getUTCHours();
    const surcharged = hour >= 22 || hour < 6 || weekday(day) === 0 || isHoliday(day) || day.slice(5) === '05-01';
    weights.push(surcharged ? Math.round(t.surchargeMultiple * 100) : 100);
  }
  const value = (n: number) => Math.floor((t.hourlyRate * t.unitMinutes * weights.slice(0, n).reduce((a, b) => a + b, 0)) / 6_000);
  const amount = value(units);
  if (!remaining) return { units, minutes: units * t.unitMinutes, amount, paid: amount, paidMinutes: units * t.unitMinutes };
  const covered = Math.min(units, Math.floor(remaining.minutes / t.unitMinutes));
  return { units, minutes: units * t.unitMinutes, amount, paid: Math.min(value(covered), remaining.amount), paidMinutes: covered * t.unitMinutes };
}

export interface ModelClaim {
  claimId: string;
  providerId: string;
  programCode: string;
  recipientId: string;
  serviceCode: string;
  serviceDate: string;
  serviceStartAt: string;
  amount: number;
  request: string;
  state: 'RECEIVED' | 'APPROVED' | 'REJECTED';
}

export interface CycleDue {
  providerId: string;
  programCode: string;
  cycle: string;
  runDay: string;
  payDay: string;
  moved: boolean;
  approved: number;
}

export interface Disagreement {
  day: string;
  step: string;
  expected: unknown;
  actual: unknown;
}

const MAX_RETRO_PER_CARD_PER_DAY = 20;
const NIGHT = (instant: string) => {
  const hour = Number(instant.slice(11, 13));
  return hour >= 23 || hour < 6;
};

/**
 * Whether a provider or the agency can act on the payment's open hold today: a hold a late feed
 * raised today (SCR-05) is written only when the day's queues drain (seed 208: reviewed at 15:00,
 * an hour after its feed, it was not there yet).
 */
export function actionable(p: ModelPayment, today: string): boolean {
  return p.hold?.state === 'OPEN' && (p.hold.raisedOn ?? '') < today;
}

export class Auditor {
  readonly payments = new Map<string, ModelPayment>();
  readonly vouchers = new Map<string, ModelVoucher>();
  private readonly transactions = new Map<string, { body: string; answer: Expected & { approvalNumber?: string } }>();
  private readonly retroCounts = new Map<string, number>();
  private readonly makeupLocks = new Set<string>();
  readonly deposited = new Map<string, number>();
  /** EXC-01..03: claims by session (recipient × service × service start). */
  readonly claims = new Map<string, ModelClaim>();
  readonly disagreements: Disagreement[] = [];
  /** Answers checked, by kind. */
  readonly checked: Record<string, number> = {};

  constructor(readonly world: SimWorld) {}

  private voucherKey = (recipientId: string, month: string, serviceCode: string) => `${recipientId}|${month}|${serviceCode}`;

  /** VCH-01/02: every contract running on the 1st (not ended, not suspended) gets its month's voucher. */
  generate(month: string): void {
    const first = `${month}-01`;
    for (const c of this.world.contracts) {
      if (!runsOn(c, first)) continue;
      const key = this.voucherKey(c.recipientId, month, c.serviceCode);
      if (this.vouchers.has(key)) continue;
      const grade = service(c.serviceCode).grades.find((g) => g.grade === c.grade)!;
      const recipient = this.world.recipients.find((r) => r.recipientId === c.recipientId)!;
      const timed = grade.monthlyMinutes !== undefined;
      this.vouchers.set(key, {
        recipientId: c.recipientId, month, serviceCode: c.serviceCode, municipalityCode: recipient.municipalityCode,
        granted: grade.monthlySubsidy, sessions: grade.sessionsPerMonth, perSession: timed ? 0 : Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth),
        remaining: grade.monthlySubsidy, sessionsLeft: grade.sessionsPerMonth, paidDays: new Set(),
        ...(timed ? { minutes: grade.monthlyMinutes, minutesLeft: grade.monthlyMinutes } : {}),
      });
    }
  }

  voucher(recipientId: string, month: string, serviceCode: string): Readonly<ModelVoucher> | undefined {
    return this.vouchers.get(this.voucherKey(recipientId, month, serviceCode));
  }

  fail(day: string, step: string, expected: unknown, actual: unknown): void {
    this.disagreements.push({ day, step, expected, actual });
  }

  /** PAY-01…PAY-09 for one terminal request at `now` from terminal `serial`. */
  expectPayment(serial: string, body: PaymentRequestBody, now: string): Expected {
    const raw = JSON.stringify(body);
    const known = this.transactions.get(`${serial}|${body.transactionId}`);
    if (known) return known.body === raw ? known.answer : { status: 409, code: 'IDEMPOTENCY_CONFLICT' };
    const refuse = (code: string): Expected => ({ status: 422, code });
    const today = kstDay(now);
    const terminal = this.world.terminals.find((t) => t.serial === serial);
    const provider = terminal && this.world.providers.find((p) => p.providerId === terminal.providerId);
    if (!terminal || !provider) return refuse('TERMINAL_MISMATCH');
    // REG-03: a cancelled terminal (해지) pays nothing, whatever it sends.
    if (terminal.cancelled) return refuse('TERMINAL_INACTIVE');
    if (terminal.phone !== body.terminalPhone || provider.businessNumber !== body.businessNumber) return refuse('TERMINAL_MISMATCH');
    if (body.kind === 'RETRO' && !RETRO_REASONS.includes(body.reason ?? '')) return refuse('REASON_REQUIRED');
    if (body.kind === 'MAKEUP' && body.reason !== 'RESCHEDULED') return refuse('REASON_REQUIRED');
    const spec = (() => {
      try {
        return service(body.serviceCode);
      } catch {
        return undefined;
      }
    })();
    if (!spec) return refuse('NO_CONTRACT');
    // §4.6: a time program is paid by its tags, or retroactively by its times.
    const timed = isTimeService(body.serviceCode);
    if (timed && body.kind !== 'RETRO') return refuse('USE_SESSION_TAGS');
    if (!timed && body.amount === null) return refuse('AMOUNT_REQUIRED');
    const worker = this.world.workers.find((w) => w.workerPaymentId === body.workerPaymentId);
    // PAY-02: under contract for the program on the service date (seed 504: a retroactive payment for
    // December 2025, before every worker's contract; REG-02: not after the day it was terminated).
    if (!worker || worker.providerId !== provider.providerId || !workerEligible(worker, spec.programCode, body.serviceDate)) return refuse('WORKER_NOT_ELIGIBLE');
    const recipient = this.world.recipients.find((r) => r.cardNumber === body.cardNumber);
    if (!recipient) return refuse(this.unknownCard(body.cardNumber!, provider.providerId));
    // PAY-03: a contract running on the service date (not ended, not suspended then).
    const contract = this.world.contracts.find((c) => c.recipientId === recipient.recipientId && c.providerId === provider.providerId && c.serviceCode === body.serviceCode && runsOn(c, body.serviceDate));
    if (!contract) return refuse('NO_CONTRACT');
    const serviceMonth = body.serviceDate.slice(0, 7);
    if (body.serviceDate > today) return refuse('OUTSIDE_PAYMENT_WINDOW');
    if (body.kind === 'NORMAL') {
      const start = Date.parse(body.serviceStartAt);
      if (body.serviceDate !== today || kstDay(body.serviceStartAt) !== today || Date.parse(now) < start - 30 * 60_000) return refuse('OUTSIDE_PAYMENT_WINDOW');
    } else if (body.kind === 'RETRO' && body.serviceDate >= today) {
      return refuse('OUTSIDE_PAYMENT_WINDOW');
    } else if (today > lastDayOfMonth(addMonths(serviceMonth, 1))) {
      return refuse('RETRO_PERIOD_EXPIRED');
    }
    const voucher = this.vouchers.get(this.voucherKey(recipient.recipientId, serviceMonth, body.serviceCode));
    if (!voucher) return refuse('NO_VOUCHER');
    if (timed) return this.expectRetroTime(body, voucher, today);
    const amount = body.amount!;
    if (voucher.sessionsLeft < 1) return refuse('NO_SESSIONS_LEFT');
    if (amount > voucher.perSession) return refuse('AMOUNT_EXCEEDS_SESSION');
    if (amount > voucher.remaining) return refuse('INSUFFICIENT_BALANCE');
    if (body.kind !== 'MAKEUP' && voucher.paidDays.has(body.serviceDate)) return refuse('DAILY_LIMIT_REACHED');
    if (body.kind === 'RETRO' && (this.retroCounts.get(`${body.cardNumber}|${today}`) ?? 0) >= MAX_RETRO_PER_CARD_PER_DAY) return refuse('DAILY_LIMIT_REACHED');
    if (body.kind === 'MAKEUP' && this.makeupLocks.has(`${body.cardNumber}|${body.serviceCode}|${today}`)) return refuse('DAILY_LIMIT_REACHED');
    return {
      status: 201,
      body: { status: 'APPROVED', amount, voucher: { month: serviceMonth, remainingAmount: voucher.remaining - amount, remainingSessions: voucher.sessionsLeft - 1 } },
    };
  }

  /**
   * TIME-04: a retroactive time payment gives its service's start and end (on its service date,
   * at most 8 hours) and no amount; TIME-02 bills it, the voucher covers what it can, and PAY-06's
   * daily count applies.
   */
  private expectRetroTime(body: PaymentRequestBody, voucher: ModelVoucher, today: string): Expected {
    const refuse = (code: string): Expected => ({ status: 422, code });
    if (body.amount !== null || !body.serviceEndAt || kstDay(body.serviceStartAt) !== body.serviceDate) return refuse('USE_SERVICE_TIMES');
    const length = Date.parse(body.serviceEndAt) - Date.parse(body.serviceStartAt);
    if (length <= 0 || length > 8 * 3_600_000) return refuse('USE_SERVICE_TIMES');
    const bill = timeBill(body.serviceStartAt, body.serviceEndAt, { amount: voucher.remaining, minutes: voucher.minutesLeft! });
    if (bill.units === 0) return refuse('BELOW_ONE_UNIT');
    if (bill.paid === 0) return refuse('INSUFFICIENT_BALANCE');
    if ((this.retroCounts.get(`${body.cardNumber}|${today}`) ?? 0) >= MAX_RETRO_PER_CARD_PER_DAY) return refuse('DAILY_LIMIT_REACHED');
    return {
      status: 201,
      body: { status: 'APPROVED', amount: bill.paid, minutes: bill.paidMinutes, uncoveredAmount: bill.amount - bill.paid, voucher: { month: voucher.month, remainingAmount: voucher.remaining - bill.paid, remainingMinutes: voucher.minutesLeft! - bill.paidMinutes } },
    };
  }

  /** Records what an answer the model agreed with did to the world. */
  paymentAnswered(serial: string, body: PaymentRequestBody, now: string, expected: Expected, answer: { status: number; body: any }): void {
    const key = `${serial}|${body.transactionId}`;
    if (this.transactions.has(key)) return;
    // PAY-09 keeps approvals: a refused request changes nothing, so its transaction id stays free
    // and the same id with another body is decided on its own (seed 5: the model kept refusals).
    if (expected.status !== 201) return;
    this.transactions.set(key, { body: JSON.stringify(body), answer: { ...expected, body: { ...expected.body, approvalNumber: answer.body.approvalNumber, approvedAt: answer.body.approvedAt } } });
    const today = kstDay(now);
    const recipient = this.world.recipients.find((r) => r.cardNumber === body.cardNumber)!;
    const worker = this.world.workers.find((w) => w.workerPaymentId === body.workerPaymentId)!;
    const voucher = this.vouchers.get(this.voucherKey(recipient.recipientId, body.serviceDate.slice(0, 7), body.serviceCode))!;
    // TIME-04: a retroactive time payment takes its billed won and minutes, no session and no day.
    const minutes = voucher.minutes !== undefined ? (expected.body!.minutes as number) : undefined;
    const amount = expected.body!.amount as number;
    voucher.remaining -= amount;
    if (minutes !== undefined) voucher.minutesLeft! -= minutes;
    else voucher.sessionsLeft -= 1;
    if (body.kind !== 'MAKEUP' && minutes === undefined) voucher.paidDays.add(body.serviceDate);
    if (body.kind === 'RETRO') this.retroCounts.set(`${body.cardNumber}|${today}`, (this.retroCounts.get(`${body.cardNumber}|${today}`) ?? 0) + 1);
    if (body.kind === 'MAKEUP') this.makeupLocks.add(`${body.cardNumber}|${body.serviceCode}|${today}`);
    const approvalNumber = answer.body.approvalNumber as string;
    const approvedAt = answer.body.approvedAt as string;
    this.payments.set(approvalNumber, {
      approvalNumber, providerId: worker.providerId, programCode: service(body.serviceCode).programCode, serviceCode: body.serviceCode,
      recipientId: recipient.recipientId, cardNumber: body.cardNumber, municipalityCode: voucher.municipalityCode, workerPaymentId: body.workerPaymentId,
      amount, kind: body.kind, serviceDate: body.serviceDate, serviceStartAt: body.serviceStartAt, voucherMonth: voucher.month,
      approvedAt, approvalDay: kstDay(approvedAt), status: 'APPROVED', ...(minutes !== undefined ? { minutes } : {}),
      // SCR-02 is for session programs only (§4.6).
      hold: minutes === undefined && NIGHT(toKst(approvedAt)) ? { holdId: `H${approvalNumber}-SCR02`, ruleId: 'SCR-02', state: 'OPEN' } : null, refund: null,
    });
  }

  /** PAY-10. */
  expectCancel(providerId: string, approvalNumber: string, now: string): Expected {
    const p = this.payments.get(approvalNumber);
    if (!p || p.providerId !== providerId) return { status: 404, code: 'NOT_FOUND' };
    if (p.status === 'CANCELLED') return { status: 409, code: 'ALREADY_CANCELLED' };
    if (p.status !== 'APPROVED' || p.approvalDay !== kstDay(now)) return { status: 422, code: 'USE_REFUND_REQUEST' };
    const v = this.vouchers.get(this.voucherKey(p.recipientId, p.voucherMonth, p.serviceCode))!;
    if (p.minutes !== undefined) return { status: 200, body: { approvalNumber, status: 'CANCELLED', voucher: { month: v.month, remainingAmount: v.remaining + p.amount, remainingMinutes: v.minutesLeft! + p.minutes } } };
    return { status: 200, body: { approvalNumber, status: 'CANCELLED', voucher: { month: v.month, remainingAmount: v.remaining + p.amount, remainingSessions: v.sessionsLeft + 1 } } };
  }

  cancelled(approvalNumber: string): void {
    const p = this.payments.get(approvalNumber)!;
    p.status = 'CANCELLED';
    this.giveBack(p);
    if (p.kind === 'RETRO') this.retroCounts.set(`${p.cardNumber}|${p.approvalDay}`, this.retroCounts.get(`${p.cardNumber}|${p.approvalDay}`)! - 1);
    if (p.kind === 'MAKEUP') this.makeupLocks.delete(`${p.cardNumber}|${p.serviceCode}|${p.approvalDay}`);
    // The screening withdraws an open hold of a cancelled payment: it is never paid either way.
    if (p.hold?.state === 'OPEN') p.hold = null;
  }

  /** The voucher takes a payment back: amount, session and (PAY-06: a cancelled or refunded one does not count) its day. */
  private giveBack(p: ModelPayment): void {
    const v = this.vouchers.get(this.voucherKey(p.recipientId, p.voucherMonth, p.serviceCode))!;
    v.remaining += p.amount;
    // §4.6: a time payment gives back its minutes; it took no session and no day.
    if (p.minutes !== undefined) {
      v.minutesLeft! += p.minutes;
      return;
    }
    v.sessionsLeft += 1;
    if (p.kind !== 'MAKEUP') v.paidDays.delete(p.serviceDate);
  }

  readonly sessions = new Map<string, ModelSession>();
  private readonly tags = new Map<string, { body: string; answer: Expected }>();

  /** TIME-01: a session holds its card × service and its worker until it ends or its expiry passes. */
  private holding(now: string, match: (s: ModelSession) => boolean): boolean {
    return [...this.sessions.values()].some((s) => s.status === 'OPEN' && Date.parse(s.expiresAt) >= Date.parse(now) && match(s));
  }

  /** TIME-01: a start tag at `now`. */
  /**
   * A card that is no one's card now: one a provider's own card holder had (lost, replaced) is
   * CARD_INACTIVE; a card never issued, or another provider's holder's, is NO_CONTRACT alike (no
   * existence oracle).
   */
  private unknownCard(cardNumber: string, providerId: string): string {
    const former = this.world.recipients.find((r) => r.formerCards?.includes(cardNumber));
    return former && this.world.contracts.some((c) => c.recipientId === former.recipientId && c.providerId === providerId) ? 'CARD_INACTIVE' : 'NO_CONTRACT';
  }

  expectStart(serial: string, body: TagBody, now: string): Expected {
    const known = this.tags.get(`${serial}|${body.transactionId}`);
    if (known) return known.body === JSON.stringify(body) ? known.answer : { status: 409, code: 'IDEMPOTENCY_CONFLICT' };
    const refuse = (code: string, status = 422): Expected => ({ status, code });
    const today = kstDay(now);
    const terminal = this.world.terminals.find((t) => t.serial === serial);
    const provider = terminal && this.world.providers.find((p) => p.providerId === terminal.providerId);
    if (!terminal || !provider) return refuse('TERMINAL_MISMATCH');
    if (terminal.cancelled) return refuse('TERMINAL_INACTIVE');
    if (terminal.phone !== body.terminalPhone || provider.businessNumber !== body.businessNumber) return refuse('TERMINAL_MISMATCH');
    if (!isTimeService(body.serviceCode!)) return refuse('NOT_A_TIME_PROGRAM');
    const worker = this.world.workers.find((w) => w.workerPaymentId === body.workerPaymentId);
    if (!worker || worker.providerId !== provider.providerId || !workerEligible(worker, service(body.serviceCode!).programCode, today)) return refuse('WORKER_NOT_ELIGIBLE');
    const recipient = this.world.recipients.find((r) => r.cardNumber === body.cardNumber);
    if (!recipient) return refuse(this.unknownCard(body.cardNumber!, provider.providerId));
    const contract = this.world.contracts.find((c) => c.recipientId === recipient.recipientId && c.providerId === provider.providerId && c.serviceCode === body.serviceCode && runsOn(c, today));
    if (!contract) return refuse('NO_CONTRACT');
    const v = this.vouchers.get(this.voucherKey(recipient.recipientId, today.slice(0, 7), body.serviceCode!));
    if (!v) return refuse('NO_VOUCHER');
    if (v.remaining <= 0 || v.minutesLeft! < ACTIVITY_TERMS.unitMinutes) return refuse('INSUFFICIENT_BALANCE');
    if (this.holding(now, (s) => s.cardNumber === body.cardNumber && s.serviceCode === body.serviceCode)) return refuse('SESSION_ALREADY_OPEN', 409);
    if (this.holding(now, (s) => s.workerPaymentId === body.workerPaymentId)) return refuse('SESSION_ALREADY_OPEN', 409);
    const expiresAt = toKst(new Date(Date.parse(now) + ACTIVITY_TERMS.maxSessionMinutes * 60_000).toISOString());
    return { status: 201, body: { startedAt: toKst(now), expiresAt, voucher: { month: v.month, remainingAmount: v.remaining, remainingMinutes: v.minutesLeft } } };
  }

  started(serial: string, body: TagBody, now: string, expected: Expected, answer: { body: any }): void {
    if (expected.status !== 201 || this.tags.has(`${serial}|${body.transactionId}`)) return;
    const recipient = this.world.recipients.find((r) => r.cardNumber === body.cardNumber)!;
    const terminal = this.world.terminals.find((t) => t.serial === serial)!;
    this.tags.set(`${serial}|${body.transactionId}`, { body: JSON.stringify(body), answer: { ...expected, body: { ...expected.body, sessionId: answer.body.sessionId } } });
    this.sessions.set(answer.body.sessionId, {
      sessionId: answer.body.sessionId, providerId: terminal.providerId, serviceCode: body.serviceCode!, recipientId: recipient.recipientId, cardNumber: body.cardNumber!,
      workerPaymentId: body.workerPaymentId!, startedAt: toKst(now), expiresAt: expected.body!.expiresAt as string, status: 'OPEN',
    });
  }

  /** TIME-01…03: an end tag at `now`. */
  expectEnd(serial: string, sessionId: string, body: TagBody, now: string): Expected {
    const known = this.tags.get(`${serial}|${body.transactionId}`);
    if (known) return known.body === JSON.stringify({ sessionId, ...body }) ? known.answer : { status: 409, code: 'IDEMPOTENCY_CONFLICT' };
    const terminal = this.world.terminals.find((t) => t.serial === serial)!;
    const s = this.sessions.get(sessionId);
    if (!s || s.providerId !== terminal.providerId) return { status: 404, code: 'NOT_FOUND' };
    if (s.status === 'EXPIRED' || (s.status === 'OPEN' && Date.parse(now) > Date.parse(s.expiresAt))) return { status: 422, code: 'SESSION_EXPIRED' };
    if (s.status !== 'OPEN') return { status: 409, code: 'SESSION_ALREADY_CLOSED' };
    const v = this.vouchers.get(this.voucherKey(s.recipientId, kstDay(s.startedAt).slice(0, 7), s.serviceCode))!;
    const bill = timeBill(s.startedAt, now, { amount: v.remaining, minutes: v.minutesLeft! });
    if (bill.units === 0) return { status: 200, body: { sessionId, status: 'CLOSED_UNBILLED' } };
    if (bill.paid === 0) return { status: 200, body: { sessionId, status: 'CLOSED_UNCOVERED', minutes: bill.minutes, uncoveredAmount: bill.amount } };
    return { status: 201, body: { status: 'APPROVED', amount: bill.paid, minutes: bill.paidMinutes, uncoveredAmount: bill.amount - bill.paid, sessionId, voucher: { month: v.month, remainingAmount: v.remaining - bill.paid, remainingMinutes: v.minutesLeft! - bill.paidMinutes } } };
  }

  ended(serial: string, sessionId: string, body: TagBody, now: string, expected: Expected, answer: { body: any }): void {
    const s = this.sessions.get(sessionId);
    if (!s || this.tags.has(`${serial}|${body.transactionId}`)) return;
    if (expected.code === 'SESSION_EXPIRED') s.status = 'EXPIRED';
    if (expected.status >= 300) return;
    this.tags.set(`${serial}|${body.transactionId}`, { body: JSON.stringify({ sessionId, ...body }), answer: { ...expected, ...(expected.status === 201 ? { body: { ...expected.body, approvalNumber: answer.body.approvalNumber, approvedAt: answer.body.approvedAt } } : {}) } });
    if (expected.status !== 201) {
      s.status = 'CLOSED_UNBILLED';
      return;
    }
    s.status = 'CLOSED';
    const v = this.vouchers.get(this.voucherKey(s.recipientId, kstDay(s.startedAt).slice(0, 7), s.serviceCode))!;
    const amount = expected.body!.amount as number;
    const minutes = expected.body!.minutes as number;
    v.remaining -= amount;
    v.minutesLeft! -= minutes;
    const approvalNumber = answer.body.approvalNumber as string;
    const approvedAt = answer.body.approvedAt as string;
    this.payments.set(approvalNumber, {
      approvalNumber, providerId: s.providerId, programCode: service(s.serviceCode).programCode, serviceCode: s.serviceCode, recipientId: s.recipientId, cardNumber: s.cardNumber,
      municipalityCode: v.municipalityCode, workerPaymentId: s.workerPaymentId, amount, kind: 'NORMAL', serviceDate: kstDay(s.startedAt), serviceStartAt: s.startedAt, voucherMonth: v.month,
      approvedAt, approvalDay: kstDay(approvedAt), status: 'APPROVED', minutes,
      // SCR-02 is for session programs only (§4.6).
      hold: null, refund: null,
    });
  }

  /** PAY-11 request. */
  expectRefundRequest(providerId: string, approvalNumber: string, now: string): Expected {
    const p = this.payments.get(approvalNumber);
    if (!p || p.providerId !== providerId) return { status: 404, code: 'NOT_FOUND' };
    if (p.status === 'CANCELLED') return { status: 422, code: 'PAYMENT_CANCELLED' };
    if (p.status === 'REFUNDED') return { status: 422, code: 'ALREADY_REFUNDED' };
    if (p.approvalDay >= kstDay(now)) return { status: 422, code: 'USE_SAME_DAY_CANCEL' };
    if (p.hold && p.hold.state !== 'PAY') return { status: 409, code: 'PAYMENT_ON_HOLD' };
    if (p.refund?.state === 'REQUESTED') return { status: 409, code: 'REFUND_ALREADY_REQUESTED' };
    return { status: 201, body: { state: 'REQUESTED', amount: p.amount, approvalNumber } };
  }

  /** PAY-11 decision by the agency: on approval the voucher takes it back while still usable (VCH-04). */
  refundDecided(approvalNumber: string, approve: boolean, now: string): void {
    const p = this.payments.get(approvalNumber)!;
    p.refund = { ...p.refund!, state: approve ? 'APPROVED' : 'REJECTED', decidedAt: now };
    if (!approve) return;
    p.status = 'REFUNDED';
    if (kstDay(now) <= lastDayOfMonth(addMonths(p.voucherMonth, 1))) this.giveBack(p);
    // Like a cancellation, an approved refund voids the payment's open hold (§5: it is never paid either way).
    if (p.hold?.state === 'OPEN') p.hold = null;
  }

  /** EXC-01..03 for a claim filed `now` (the reason of last month, a session without a payment). */
  expectClaim(providerId: string, request: { serviceCode: string; recipientId: string; workerId: string; serviceDate: string; serviceStartAt: string; serviceEndAt: string; reasonOccurredOn: string; reason: string }, now: string): Expected {
    const today = kstDay(now);
    if (addMonths(request.reasonOccurredOn.slice(0, 7), 1) !== today.slice(0, 7)) return { status: 422, code: 'OUTSIDE_CLAIM_WINDOW' };
    // EXC-03: the contract was running on the service date (not ended, not suspended then).
    const contract = this.world.contracts.find((c) => c.recipientId === request.recipientId && c.providerId === providerId && c.serviceCode === request.serviceCode && runsOn(c, request.serviceDate));
    if (!contract) return { status: 422, code: 'NO_CONTRACT' };
    const voucher = this.vouchers.get(this.voucherKey(request.recipientId, request.serviceDate.slice(0, 7), request.serviceCode));
    if (voucher?.paidDays.has(request.serviceDate)) return { status: 409, code: 'DUPLICATE_CLAIM' };
    // EXC-01: the worker was under contract for the program on the service date.
    const worker = this.world.workers.find((w) => w.workerId === request.workerId);
    if (!worker || worker.providerId !== providerId || !workerEligible(worker, service(request.serviceCode).programCode, request.serviceDate)) return { status: 422, code: 'WORKER_NOT_ELIGIBLE' };
    // TIME-04: a time program's claim is the service's minutes at the rate, as TIME-02 bills them (uncapped by a voucher).
    const timeBilled = isTimeService(request.serviceCode) ? timeBill(request.serviceStartAt, request.serviceEndAt) : undefined;
    if (timeBilled?.units === 0) return { status: 422, code: 'BELOW_ONE_UNIT' };
    const held = this.claims.get(`${request.recipientId}|${request.serviceCode}|${request.serviceStartAt}`);
    if (held) return held.request === JSON.stringify(request) ? { status: 200, body: { claimId: held.claimId, state: held.state, amount: held.amount } } : { status: 409, code: 'DUPLICATE_CLAIM' };
    const grade = service(request.serviceCode).grades.find((g) => g.grade === contract.grade)!;
    return { status: 201, body: { state: 'RECEIVED', amount: timeBilled ? timeBilled.amount : Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth) } };
  }

  claimFiled(providerId: string, request: { serviceCode: string; recipientId: string; serviceDate: string; serviceStartAt: string }, raw: string, claimId: string, amount: number): void {
    this.claims.set(`${request.recipientId}|${request.serviceCode}|${request.serviceStartAt}`, {
      claimId, providerId, programCode: service(request.serviceCode).programCode, recipientId: request.recipientId, serviceCode: request.serviceCode,
      serviceDate: request.serviceDate, serviceStartAt: request.serviceStartAt, amount, request: raw, state: 'RECEIVED',
    });
  }

  deposit(municipalityCode: string, programCode: string, amount: number): void {
    const key = `${municipalityCode}|${programCode}`;
    this.deposited.set(key, (this.deposited.get(key) ?? 0) + amount);
  }

  get totalDeposited(): number {
    return [...this.deposited.values()].reduce((a, b) => a + b, 0);
  }

  /**
   * PO-01: the payouts a regular run must have made by `now`, per provider × program × cycle:
   * the cycles whose run time has passed, with their pay day and the money they settle at least
   * (approved, not cancelled, not on a hold still open or denied, before refunds: a refund may be
   * recovered in a later cycle).
   */
  cyclesDue(now: string): Map<string, CycleDue> {
    const due = new Map<string, CycleDue>();
    for (const p of this.payments.values()) {
      if (p.status === 'CANCELLED') continue;
      const c = cycleOf(p.approvalDay);
      if (`${c.runDay}T01:00:00+09:00` > toKst(now)) continue;
      const key = `${p.providerId}|${p.programCode}|${c.cycle}`;
      const entry = due.get(key) ?? { providerId: p.providerId, programCode: p.programCode, cycle: c.cycle, runDay: c.runDay, payDay: c.payDay, moved: c.moved, approved: 0 };
      if (!p.hold || p.hold.state === 'PAY') entry.approved += p.amount;
      due.set(key, entry);
    }
    return due;
  }

  /**
   * What every approved won must have become once everything due has been paid (the final
   * settle): per provider × program, approved − cancelled − recovered − held − denied.
   */
  owed(): Map<string, number> {
    const owed = new Map<string, number>();
    for (const p of this.payments.values()) {
      if (p.status === 'CANCELLED') continue;
      const key = `${p.providerId}|${p.programCode}`;
      const counts = (!p.hold || p.hold.state === 'PAY') && p.refund?.state !== 'APPROVED';
      owed.set(key, (owed.get(key) ?? 0) + (counts ? p.amount : 0));
    }
    // EXC-02: an approved claim is paid by the next ad-hoc run.
    for (const c of this.claims.values()) if (c.state === 'APPROVED') owed.set(`${c.providerId}|${c.programCode}`, (owed.get(`${c.providerId}|${c.programCode}`) ?? 0) + c.amount);
    return owed;
  }

  /**
   * No session paid twice: per card × service × service date, at most one normal or retroactive
   * payment that stands (not cancelled or refunded) and approved claim together (makeups are their own sessions).
   */
  sessionsPaidTwice(): string[] {
    const paid = new Map<string, string[]>();
    const add = (key: string, what: string) => paid.set(key, [...(paid.get(key) ?? []), what]);
    // A time program pays several services a day (told apart by their times): those are not sessions of a day.
    for (const p of this.payments.values()) if (p.kind !== 'MAKEUP' && p.minutes === undefined && p.status === 'APPROVED' && (!p.hold || p.hold.state === 'PAY')) add(`${p.recipientId}|${p.serviceCode}|${p.serviceDate}`, `${p.kind} ${p.approvalNumber}`);
    for (const c of this.claims.values()) if (c.state === 'APPROVED') add(`${c.recipientId}|${c.serviceCode}|${c.serviceDate}`, `claim ${c.claimId}`);
    return [...paid.entries()].filter(([, list]) => list.length > 1).map(([key, list]) => `${key}: ${list.join(', ')}`);
  }
}

/** An instant as KST wall-clock ISO (`2026-03-10T23:10:00+09:00`), for hour tests and ordering. */
export function toKst(instant: string): string {
  const d = new Date(Date.parse(instant) + 9 * 3_600_000);
  return `${d.toISOString().slice(0, 19)}+09:00`;
}

/** A business day at or after `day` (the first day an ad-hoc run can pay). */
export const firstBusinessDayFrom = (day: string) => (isBusinessDay(day) ? day : nextBusinessDay(day));
