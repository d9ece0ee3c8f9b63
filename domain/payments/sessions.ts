/**
 * Sessions of time-based programs (domain.md §4.6, TIME-01…03): the worker tags the card at the
 * start and at the end of the service; the end tag makes the payment (TIME-02). One session is
 * open per card × service type and per worker, which the store enforces with conditional writes;
 * a session left open past the program's maximum length expires unpaid.
 */
import type { ProgramTerms, ServiceType, TimeTerms } from '../registry/entities';
import { formatKst, kstDate, monthOf } from '../shared/calendar';
import { type Refusal, type Refused, refusalOf } from '../shared/result';
import { checkParties, checkTerminal, type PaymentContext } from './decide';
import { backOff, MAX_ATTEMPTS, requestInProgress } from './intake';
import { type ApprovalReceipt, type PayingTerminal, type Payment, type ReceiptVoucher, receiptVoucher } from './payment';
import type { ApprovalWrite, TerminalDeps, TransactionRecord } from './ports';
import type { IdempotencyConflict, RequestInProgress } from './refusals';
import { billSession, coverBill } from './time';

export type SessionStatus = 'OPEN' | 'CLOSED' | 'CLOSED_UNBILLED' | 'CLOSED_UNCOVERED' | 'EXPIRED';

/** One tagged session (TIME-01). */
export interface TimeSession {
  sessionId: string;
  /** The start tag's terminal and transaction. */
  terminalSerial: string;
  startTransactionId: string;
  providerId: string;
  programCode: string;
  serviceCode: string;
  workerId: string;
  workerPaymentId: string;
  recipientId: string;
  cardNumber: string;
  municipalityCode: string;
  startedAt: string;
  /** TIME-03: `startedAt` + the program's maximum session length. */
  expiresAt: string;
  status: SessionStatus;
  endedAt?: string;
  approvalNumber?: string;
}

export interface SessionStartRequest {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
  serviceCode: string;
  workerPaymentId: string;
  cardNumber: string;
}

export interface SessionEndRequest {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
}

/** api.md 201 of a start tag. */
export interface SessionStartReceipt {
  sessionId: string;
  startedAt: string;
  expiresAt: string;
  voucher: ReceiptVoucher;
}

/** api.md 200 of an end tag that made no payment: under one unit, or nothing left on the voucher. */
export interface SessionClosedReceipt {
  sessionId: string;
  status: 'CLOSED_UNBILLED' | 'CLOSED_UNCOVERED';
  minutes?: number;
  uncoveredAmount?: number;
}

export type SessionReceipt = SessionStartReceipt | SessionClosedReceipt | (ApprovalReceipt & { sessionId: string; minutes: number; uncoveredAmount: number });

export type OpenOutcome = { kind: 'written' } | { kind: 'duplicate'; record: TransactionRecord | null } | { kind: 'card-open' } | { kind: 'worker-open' } | { kind: 'contention' };

export interface OpenWrite {
  session: TimeSession;
  receipt: SessionStartReceipt;
  requestHash: string;
  nowEpochSeconds: number;
}

/** An end tag's write: the session closed and its locks released, with the payment's approval when it made one. */
export interface CloseWrite {
  session: TimeSession;
  status: Exclude<SessionStatus, 'OPEN' | 'EXPIRED'>;
  endedAt: string;
  serial: string;
  transactionId: string;
  requestHash: string;
  receipt: SessionReceipt;
  nowEpochSeconds: number;
  approval?: Omit<ApprovalWrite, 'receipt' | 'requestHash' | 'nowEpochSeconds'>;
}

export type CloseOutcome = { kind: 'written' } | { kind: 'duplicate'; record: TransactionRecord | null } | { kind: 'not-open' } | { kind: 'stale-voucher' } | { kind: 'contention' };

/** What sessions need from storage (besides the payment port's registry reads). */
export interface SessionPort {
  openSession(write: OpenWrite): Promise<OpenOutcome>;
  session(sessionId: string): Promise<TimeSession | null>;
  closeSession(write: CloseWrite): Promise<CloseOutcome>;
  /** TIME-03: an open session becomes EXPIRED and its locks are released, once (false: it was not open). */
  expireSession(session: TimeSession, at: string): Promise<boolean>;
  /** Open sessions whose expiry is before `now`, oldest first. */
  expiredSessions(now: Date, limit: number): Promise<TimeSession[]>;
}

/** Session ids: `S`, the start date (YYMMDD) and ten digits, drawn per terminal, transaction and attempt. */
export interface SessionIds {
  next(startDate: string, drawFor: string): string;
}

export interface SessionDeps extends TerminalDeps {
  sessions: SessionPort;
  sessionIds: SessionIds;
}

export type SessionRefusal =
  | Refused<'TERMINAL_MISMATCH' | 'TERMINAL_INACTIVE', 'PAY-01'>
  | Refused<'WORKER_NOT_ELIGIBLE', 'PAY-02'>
  | Refused<'CARD_INACTIVE' | 'NO_CONTRACT' | 'NO_VOUCHER', 'PAY-03'>
  | Refused<'INSUFFICIENT_BALANCE', 'PAY-04'>
  | Refused<'NOT_A_TIME_PROGRAM', '§4.6'>
  | Refused<'SESSION_ALREADY_OPEN' | 'NOT_FOUND' | 'SESSION_ALREADY_CLOSED', 'TIME-01'>
  | Refused<'SESSION_EXPIRED', 'TIME-03'>
  | IdempotencyConflict
  | RequestInProgress;

const refuse = refusalOf<SessionRefusal>();

/** PAY-09 for tags: a repeated transaction id answers as the first time, or is refused if the content differs. */
function replaySession(record: TransactionRecord | null, requestHash: string) {
  if (!record) return null;
  if (record.requestHash !== requestHash) return refuse('IDEMPOTENCY_CONFLICT', 'PAY-09', 'this transactionId was used for a different request');
  return { ok: true as const, receipt: record.receipt as unknown as SessionReceipt, replayed: true };
}

export type SessionOutcome = { ok: true; receipt: SessionReceipt; replayed: boolean } | Refusal<SessionRefusal>;

export type StartDecision = { ok: true; session: Omit<TimeSession, 'sessionId'>; voucher: ReceiptVoucher } | Refusal<SessionRefusal>;

/** TIME-01: a start tag is checked as a payment of today would be (PAY-01…03), and needs something left to pay. */
export function decideSessionStart(request: SessionStartRequest, ctx: PaymentContext, serial: string): StartDecision {
  const today = kstDate(ctx.now);
  const checked = checkTerminal(request, ctx, serial);
  if (!checked.ok) return checked;
  const { terminal } = checked;
  const { serviceType, program } = ctx;
  if (!serviceType || !program) return refuse('NO_CONTRACT', 'PAY-03', `service code ${request.serviceCode} is not registered`);
  if (program.kind !== 'TIME' || !program.time) return refuse('NOT_A_TIME_PROGRAM', '§4.6', 'a session program is paid with POST /v1/terminal/payments');
  const parties = checkParties({ serviceCode: request.serviceCode, serviceDate: today }, ctx, terminal, serviceType, program);
  if (!parties.ok) return parties;
  const { voucher } = ctx;
  if (!voucher) return refuse('NO_VOUCHER', 'PAY-03', `no voucher of ${monthOf(today)} for this card and service`);
  if (voucher.remainingAmount <= 0 || (voucher.remainingMinutes ?? 0) < program.time.unitMinutes)
    return refuse('INSUFFICIENT_BALANCE', 'PAY-04', `the voucher has ${voucher.remainingAmount} won and ${voucher.remainingMinutes ?? 0} minutes left`);
  return {
    ok: true,
    session: {
      terminalSerial: terminal.serial,
      startTransactionId: request.transactionId,
      providerId: terminal.providerId,
      programCode: serviceType.programCode,
      serviceCode: request.serviceCode,
      workerId: parties.worker.workerId,
      workerPaymentId: parties.worker.workerPaymentId,
      recipientId: parties.card.recipientId,
      cardNumber: parties.card.cardNumber,
      municipalityCode: voucher.municipalityCode,
      startedAt: formatKst(ctx.now),
      expiresAt: formatKst(new Date(ctx.now.getTime() + program.time.maxSessionMinutes * 60_000)),
      status: 'OPEN',
    },
    voucher: receiptVoucher(voucher.month, voucher),
  };
}

/** `POST /v1/terminal/sessions/start`. */
export async function startSession(deps: SessionDeps, terminal: PayingTerminal, request: SessionStartRequest, requestHash: string): Promise<SessionOutcome> {
  const { store: port } = deps;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const earlier = replaySession(await port.transactionRecord(terminal.serial, request.transactionId), requestHash);
    if (earlier) return earlier;
    const now = deps.clock.now();
    const [providerBusinessNumber, { serviceType, program }, worker, card] = await Promise.all([
      port.providerBusinessNumber(terminal.providerId),
      port.serviceType(request.serviceCode),
      port.workerByPaymentId(request.workerPaymentId),
      port.card(request.cardNumber),
    ]);
    const { contracts, voucher } = card ? await port.holder(card.recipientId, monthOf(kstDate(now)), request.serviceCode) : { contracts: [], voucher: null };
    const decision = decideSessionStart(request, { now, terminal, providerBusinessNumber, serviceType, program, worker, card, contracts, voucher, holidays: deps.holidays }, terminal.serial);
    if (!decision.ok) return decision;
    const session: TimeSession = { sessionId: deps.sessionIds.next(kstDate(now), `${terminal.serial}#${request.transactionId}#${attempt}`), ...decision.session };
    const receipt: SessionStartReceipt = { sessionId: session.sessionId, startedAt: session.startedAt, expiresAt: session.expiresAt, voucher: decision.voucher };
    const outcome = await deps.sessions.openSession({ session, receipt, requestHash, nowEpochSeconds: Math.floor(now.getTime() / 1000) });
    switch (outcome.kind) {
      case 'written':
        return { ok: true, receipt, replayed: false };
      case 'duplicate': {
        const answer = replaySession(outcome.record, requestHash);
        if (answer) return answer;
        break;
      }
      case 'card-open':
        return refuse('SESSION_ALREADY_OPEN', 'TIME-01', 'this card has an open session for this service; end it first');
      case 'worker-open':
        return refuse('SESSION_ALREADY_OPEN', 'TIME-01', 'this worker has an open session; end it first');
      case 'contention':
        await backOff(deps, attempt);
    }
  }
  return requestInProgress();
}

/** What an end tag decides, before the store writes it. */
export type EndDecision =
  | { ok: true; close: 'UNBILLED' | 'UNCOVERED'; minutes: number; uncoveredAmount: number }
  | { ok: true; close: 'PAID'; payment: Omit<Payment, 'approvalNumber'>; voucher: { remainingAmount: number; remainingSessions: number; remainingMinutes: number; expectedVersion: number } }
  | Refusal<SessionRefusal>
  | { ok: false; expire: true };

/** TIME-01…03 for an end tag on a session (PAY-01 was checked for the terminal). */
export function decideSessionEnd(
  session: TimeSession | null,
  ctx: { now: Date; terminal: PayingTerminal; transactionId: string; serviceType: ServiceType | undefined; program: ProgramTerms | undefined; voucher: PaymentContext['voucher']; holidays: PaymentContext['holidays'] },
): EndDecision {
  const { now, terminal } = ctx;
  if (!session || session.providerId !== terminal.providerId) return refuse('NOT_FOUND', 'TIME-01', 'no such session for this provider');
  if (session.status === 'EXPIRED') return refuse('SESSION_EXPIRED', 'TIME-03', `the session expired unpaid at ${session.expiresAt}`);
  if (session.status !== 'OPEN') return refuse('SESSION_ALREADY_CLOSED', 'TIME-01', 'the session was ended already');
  if (now.getTime() > Date.parse(session.expiresAt)) return { ok: false, expire: true };
  const terms: TimeTerms | undefined = ctx.program?.time;
  if (!terms || !ctx.serviceType) throw new Error(`session ${session.sessionId}: service ${session.serviceCode} is no longer a time program`);
  const bill = billSession(terms, new Date(session.startedAt), now, ctx.holidays);
  if (bill.units === 0) return { ok: true, close: 'UNBILLED', minutes: 0, uncoveredAmount: 0 };
  const voucher = ctx.voucher;
  const cover = coverBill(terms, bill, { remainingAmount: voucher?.remainingAmount ?? 0, remainingMinutes: voucher?.remainingMinutes ?? 0 });
  if (!voucher || cover.amount === 0) return { ok: true, close: 'UNCOVERED', minutes: bill.minutes, uncoveredAmount: bill.amount };
  const serviceDate = kstDate(new Date(session.startedAt));
  return {
    ok: true,
    close: 'PAID',
    payment: {
      // The end tag makes the payment: its transaction and terminal (PAY-09).
      transactionId: ctx.transactionId,
      terminalSerial: terminal.serial,
      channel: terminal.kind === 'SMARTPHONE' ? 'SMARTPHONE' : 'TERMINAL',
      providerId: session.providerId,
      programCode: session.programCode,
      serviceCode: session.serviceCode,
      workerId: session.workerId,
      workerPaymentId: session.workerPaymentId,
      recipientId: session.recipientId,
      cardNumber: session.cardNumber,
      municipalityCode: voucher.municipalityCode,
      amount: cover.amount,
      kind: 'NORMAL',
      reason: null,
      serviceDate,
      serviceStartAt: session.startedAt,
      serviceEndAt: formatKst(now),
      minutes: cover.minutes,
      uncoveredAmount: cover.uncoveredAmount,
      sessionId: session.sessionId,
      voucherMonth: monthOf(serviceDate),
      approvedAt: formatKst(now),
      approvalDate: kstDate(now),
      status: 'APPROVED',
    },
    voucher: { expectedVersion: voucher.version, remainingAmount: voucher.remainingAmount - cover.amount, remainingSessions: voucher.remainingSessions, remainingMinutes: (voucher.remainingMinutes ?? 0) - cover.minutes },
  };
}

/** `POST /v1/terminal/sessions/{sessionId}/end`. */
export async function endSession(deps: SessionDeps, terminal: PayingTerminal, sessionId: string, request: SessionEndRequest, requestHash: string): Promise<SessionOutcome> {
  const { store: port } = deps;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const earlier = replaySession(await port.transactionRecord(terminal.serial, request.transactionId), requestHash);
    if (earlier) return earlier;
    const providerBusinessNumber = await port.providerBusinessNumber(terminal.providerId);
    const checked = checkTerminal(request, { terminal, providerBusinessNumber }, terminal.serial);
    if (!checked.ok) return checked;
    const now = deps.clock.now();
    const session = await deps.sessions.session(sessionId);
    const { serviceType, program } = session ? await port.serviceType(session.serviceCode) : { serviceType: undefined, program: undefined };
    const voucher = session ? await port.voucher(session.recipientId, monthOf(kstDate(new Date(session.startedAt))), session.serviceCode) : null;
    const decision = decideSessionEnd(session, { now, terminal, transactionId: request.transactionId, serviceType, program, voucher, holidays: deps.holidays });
    if (!decision.ok) {
      if ('expire' in decision) {
        // TIME-03: found expired at its end tag — it expires now, unpaid, and the tag is refused.
        await deps.sessions.expireSession(session!, session!.expiresAt);
        return refuse('SESSION_EXPIRED', 'TIME-03', `the session expired unpaid at ${session!.expiresAt}`);
      }
      return decision;
    }
    const s = session!;
    const base = { session: s, endedAt: formatKst(now), serial: terminal.serial, transactionId: request.transactionId, requestHash, nowEpochSeconds: Math.floor(now.getTime() / 1000) };
    let write: CloseWrite;
    if (decision.close === 'PAID') {
      const approvalNumber = deps.approvalNumbers.next(decision.payment.approvalDate, `${terminal.serial}#${request.transactionId}#${attempt}`);
      const receipt = {
        approvalNumber,
        status: 'APPROVED' as const,
        amount: decision.payment.amount,
        approvedAt: decision.payment.approvedAt,
        voucher: receiptVoucher(decision.payment.voucherMonth, decision.voucher),
        sessionId: s.sessionId,
        minutes: decision.payment.minutes!,
        uncoveredAmount: decision.payment.uncoveredAmount!,
      };
      write = { ...base, status: 'CLOSED', receipt, approval: { plan: { payment: decision.payment, voucher: decision.voucher }, approvalNumber } };
    } else {
      const receipt: SessionClosedReceipt =
        decision.close === 'UNBILLED' ? { sessionId: s.sessionId, status: 'CLOSED_UNBILLED' } : { sessionId: s.sessionId, status: 'CLOSED_UNCOVERED', minutes: decision.minutes, uncoveredAmount: decision.uncoveredAmount };
      write = { ...base, status: receipt.status, receipt };
    }
    const outcome = await deps.sessions.closeSession(write);
    switch (outcome.kind) {
      case 'written':
        return { ok: true, receipt: write.receipt, replayed: false };
      case 'duplicate': {
        const answer = replaySession(outcome.record, requestHash);
        if (answer) return answer;
        break;
      }
      case 'not-open':
        break; // closed or expired meanwhile: the next round says which
      case 'stale-voucher':
      case 'contention':
        await backOff(deps, attempt);
    }
  }
  return requestInProgress();
}

/** TIME-03's sweep: every open session past its maximum length expires unpaid. Safe to run any number of times. */
export async function expireSessions(port: SessionPort, now: Date, batch = 100): Promise<{ expired: number }> {
  let expired = 0;
  for (;;) {
    const due = await port.expiredSessions(now, batch);
    let moved = 0;
    for (const s of due) if (await port.expireSession(s, s.expiresAt)) moved++;
    expired += moved;
    // A page that moved nothing is one whose sessions were closed meanwhile: the index catches up.
    if (due.length < batch || moved === 0) return { expired };
  }
}
