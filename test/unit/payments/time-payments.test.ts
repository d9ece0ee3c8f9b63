/** §4.6 decisions: retroactive time payments (TIME-04) and session tags (TIME-01…03), with scripted stores for every outcome. */
import { describe, expect, it } from 'vitest';
import { decidePayment, type PaymentContext } from '../../../domain/payments/decide';
import type { PaymentRequest, VoucherBalance } from '../../../domain/payments/payment';
import type { PaymentPort } from '../../../domain/payments/ports';
import { type CloseOutcome, decideSessionEnd, decideSessionStart, endSession, expireSessions, type OpenOutcome, type SessionDeps, type SessionPort, startSession, type TimeSession } from '../../../domain/payments/sessions';
import { koreanHolidays } from '../../../functions/shared/holidays';
import { InMemoryPaymentStore } from '../../fakes/payment-store';
import { seedPaymentStore } from '../../fakes/seed';
import { InMemorySessionStore } from '../../fakes/session-store';
import { ACTIVITY_TERMS, activityDocument, contract } from '../../support/fixtures';

const kst = (s: string) => new Date(`${s}+09:00`);
const serviceType = { serviceCode: '310101', programCode: 'ACTIVITY', name: '활동보조', grades: [{ grade: '1', monthlySubsidy: 1_662_000, sessionsPerMonth: 0, monthlyMinutes: 6_000 }] };
const voucher = (over: Partial<VoucherBalance> = {}): VoucherBalance => ({
  recipientId: 'R0001', serviceCode: '310101', programCode: 'ACTIVITY', month: '2026-03', grantedAmount: 1_662_000, grantedSessions: 0, perSessionAmount: 0,
  remainingAmount: 1_662_000, remainingSessions: 0, grantedMinutes: 6_000, remainingMinutes: 6_000, municipalityCode: '44130', version: 3, paidDays: [], ...over,
});
const context = (over: Partial<PaymentContext> = {}): PaymentContext => ({
  now: kst('2026-03-11T09:00:00'),
  terminal: { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [] },
  providerBusinessNumber: '1234567891',
  serviceType,
  program: { kind: 'TIME', requiresTerminalMatch: false, time: ACTIVITY_TERMS },
  worker: { workerId: 'W0001', providerId: 'P0001', workerPaymentId: '20000001', contracts: [{ programCode: 'ACTIVITY', from: '2026-01-01', to: null }] },
  card: { cardNumber: '9410000000000001', recipientId: 'R0001', status: 'ACTIVE' },
  contracts: [contract({ serviceCode: '310101' })],
  voucher: voucher(),
  holidays: koreanHolidays,
  ...over,
});
const retro = (over: Partial<PaymentRequest> = {}): PaymentRequest => ({
  transactionId: 'R-1', businessNumber: '1234567891', terminalPhone: '01012345678', serviceCode: '310101', workerPaymentId: '20000001', cardNumber: '9410000000000001',
  amount: null, kind: 'RETRO', reason: 'TERMINAL_BROKEN', serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T21:00:00+09:00', serviceEndAt: '2026-03-10T23:00:00+09:00', ...over,
});
const code = (d: { ok: boolean; refusal?: { code: string } }) => (d.ok ? null : d.refusal!.code);

describe('TIME-04 retroactive time payments', () => {
  it('21:00–23:00 is 41,550 won for 120 minutes, deducted from won and minutes, with the PAY-06 count and no day lock', () => {
    const d = decidePayment(retro(), context(), 'VT11-000001');
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.plan.payment).toMatchObject({ amount: 41_550, minutes: 120, uncoveredAmount: 0, serviceStartAt: '2026-03-10T21:00:00+09:00', serviceEndAt: '2026-03-10T23:00:00+09:00', kind: 'RETRO' });
    expect(d.plan.voucher).toEqual({ expectedVersion: 3, remainingAmount: 1_662_000 - 41_550, remainingSessions: 0, remainingMinutes: 5_880 });
    expect(d.plan.dayLock).toBeUndefined();
    expect(d.plan.retroDay).toBe('2026-03-11');
  });

  it('a voucher short of won pays what is left and records the rest', () => {
    const d = decidePayment(retro(), context({ voucher: voucher({ remainingAmount: 10_000 }) }), 'VT11-000001');
    expect(d.ok && d.plan.payment).toMatchObject({ amount: 10_000, minutes: 120, uncoveredAmount: 31_550 });
  });

  it.each([
    ['an amount given', retro({ amount: 30_000 }), context(), 'USE_SERVICE_TIMES'],
    ['no end', retro({ serviceEndAt: null }), context(), 'USE_SERVICE_TIMES'],
    ['a start on another day than the service date', retro({ serviceDate: '2026-03-09' }), context(), 'USE_SERVICE_TIMES'],
    ['more than 8 hours', retro({ serviceStartAt: '2026-03-10T09:00:00+09:00', serviceEndAt: '2026-03-10T17:01:00+09:00' }), context(), 'USE_SERVICE_TIMES'],
    ['an end before the start', retro({ serviceEndAt: '2026-03-10T20:00:00+09:00' }), context(), 'USE_SERVICE_TIMES'],
    ['less than one unit', retro({ serviceEndAt: '2026-03-10T21:14:00+09:00' }), context(), 'BELOW_ONE_UNIT'],
    ['nothing left on the voucher', retro(), context({ voucher: voucher({ remainingAmount: 0 }) }), 'INSUFFICIENT_BALANCE'],
    ['no minutes left', retro(), context({ voucher: voucher({ remainingMinutes: 10 }) }), 'INSUFFICIENT_BALANCE'],
    ['a normal payment of a time program', retro({ kind: 'NORMAL', reason: null, serviceDate: '2026-03-11', amount: 10_000, serviceStartAt: '2026-03-11T09:00:00+09:00' }), context(), 'USE_SESSION_TAGS'],
    ['a time program without its terms', retro(), context({ program: { kind: 'TIME', requiresTerminalMatch: false } }), 'USE_SESSION_TAGS'],
    ['a session program paid without an amount', retro({ serviceCode: '110101' }), context({ program: { kind: 'SESSION', requiresTerminalMatch: false } }), 'AMOUNT_REQUIRED'],
  ])('refused: %s', (_name, request, ctx, expected) => {
    expect(code(decidePayment(request, ctx, 'VT11-000001'))).toBe(expected);
  });
});

const session = (over: Partial<TimeSession> = {}): TimeSession => ({
  sessionId: 'S2603100000000001', terminalSerial: 'VT11-000001', startTransactionId: 'S-1', providerId: 'P0001', programCode: 'ACTIVITY', serviceCode: '310101', workerId: 'W0001',
  workerPaymentId: '20000001', recipientId: 'R0001', cardNumber: '9410000000000001', municipalityCode: '44130', startedAt: '2026-03-10T14:00:00+09:00', expiresAt: '2026-03-10T22:00:00+09:00',
  status: 'OPEN', ...over,
});
const endCtx = (over: Partial<Parameters<typeof decideSessionEnd>[1]> = {}): Parameters<typeof decideSessionEnd>[1] => ({
  now: kst('2026-03-10T16:00:00'), terminal: context().terminal!, transactionId: 'E-1', serviceType, program: context().program, voucher: voucher(), holidays: koreanHolidays, ...over,
});

describe('TIME-01 start and TIME-02/03 end decisions', () => {
  const startRequest = { transactionId: 'S-1', businessNumber: '1234567891', terminalPhone: '01012345678', serviceCode: '310101', workerPaymentId: '20000001', cardNumber: '9410000000000001' };
  it('a start is refused as a payment of today would be, and with nothing left to pay', () => {
    expect(code(decideSessionStart(startRequest, context({ terminal: null }), 'VT11-000001'))).toBe('TERMINAL_MISMATCH');
    expect(code(decideSessionStart(startRequest, context({ serviceType: undefined }), 'VT11-000001'))).toBe('NO_CONTRACT');
    expect(code(decideSessionStart(startRequest, context({ worker: null }), 'VT11-000001'))).toBe('WORKER_NOT_ELIGIBLE');
    expect(code(decideSessionStart(startRequest, context({ voucher: null }), 'VT11-000001'))).toBe('NO_VOUCHER');
    expect(code(decideSessionStart(startRequest, context({ voucher: voucher({ remainingMinutes: 14 }) }), 'VT11-000001'))).toBe('INSUFFICIENT_BALANCE');
    expect(decideSessionStart(startRequest, context(), 'VT11-000001')).toMatchObject({ ok: true, session: { startedAt: '2026-03-11T09:00:00+09:00', expiresAt: '2026-03-11T17:00:00+09:00', status: 'OPEN' } });
  });

  it('an end tag: another provider\'s or no session is NOT_FOUND; expired, closed, past its expiry; under a unit; nothing left', () => {
    expect(code(decideSessionEnd(null, endCtx()) as never)).toBe('NOT_FOUND');
    expect(code(decideSessionEnd(session({ providerId: 'P0002' }), endCtx()) as never)).toBe('NOT_FOUND');
    expect(code(decideSessionEnd(session({ status: 'EXPIRED' }), endCtx()) as never)).toBe('SESSION_EXPIRED');
    expect(code(decideSessionEnd(session({ status: 'CLOSED' }), endCtx()) as never)).toBe('SESSION_ALREADY_CLOSED');
    expect(decideSessionEnd(session(), endCtx({ now: kst('2026-03-10T22:00:01') }))).toEqual({ ok: false, expire: true });
    expect(decideSessionEnd(session(), endCtx({ now: kst('2026-03-10T14:10:00') }))).toEqual({ ok: true, close: 'UNBILLED', minutes: 0, uncoveredAmount: 0 });
    expect(decideSessionEnd(session(), endCtx({ voucher: voucher({ remainingAmount: 0 }) }))).toEqual({ ok: true, close: 'UNCOVERED', minutes: 120, uncoveredAmount: 33_240 });
    expect(decideSessionEnd(session(), endCtx({ voucher: null }))).toMatchObject({ ok: true, close: 'UNCOVERED' });
    expect(() => decideSessionEnd(session(), endCtx({ program: { kind: 'SESSION', requiresTerminalMatch: false } }))).toThrow(/no longer a time program/);
    expect(decideSessionEnd(session(), endCtx({ terminal: { ...context().terminal!, kind: 'SMARTPHONE' } }))).toMatchObject({ ok: true, close: 'PAID', payment: { channel: 'SMARTPHONE', amount: 33_240, transactionId: 'E-1' } });
  });
});

describe('session use cases against every store outcome', () => {
  const world = () => {
    const store = new InMemoryPaymentStore();
    seedPaymentStore(store, activityDocument(2));
    const sessions = new InMemorySessionStore(store);
    let now = kst('2026-03-10T14:00:00');
    let ids = 0;
    const deps: SessionDeps = {
      store, sessions, clock: { now: () => now }, sleep: async () => undefined, random: () => 0.5, holidays: koreanHolidays,
      approvalNumbers: { next: () => `260310${String(++ids).padStart(8, '0')}` }, sessionIds: { next: () => `S260310${String(++ids).padStart(10, '0')}` },
    };
    return { store, sessions, deps, at: (s: string) => void (now = kst(s)) };
  };
  const terminal = context().terminal!;
  const startRequest = { transactionId: 'S-1', businessNumber: '1234567891', terminalPhone: '01012345678', serviceCode: '310101', workerPaymentId: '20000001', cardNumber: '9410000000000001' };
  const endRequest = { transactionId: 'E-1', businessNumber: '1234567891', terminalPhone: '01012345678' };

  it('a start whose transaction id was used for another request is IDEMPOTENCY_CONFLICT; a store that keeps contending is REQUEST_IN_PROGRESS', async () => {
    const w = world();
    expect(await startSession(w.deps, terminal, startRequest, 'h1')).toMatchObject({ ok: true });
    expect(await startSession(w.deps, terminal, startRequest, 'h2')).toMatchObject({ ok: false, refusal: { code: 'IDEMPOTENCY_CONFLICT' } });
    const contending: SessionPort = { ...w.sessions, openSession: async (): Promise<OpenOutcome> => ({ kind: 'contention' }), session: (id) => w.sessions.session(id), closeSession: (x) => w.sessions.closeSession(x), expireSession: (s, a) => w.sessions.expireSession(s, a), expiredSessions: (n, l) => w.sessions.expiredSessions(n, l) };
    expect(await startSession({ ...w.deps, sessions: contending }, terminal, { ...startRequest, transactionId: 'S-2', cardNumber: '9410000000000002', workerPaymentId: '20000002' }, 'h3')).toMatchObject({ ok: false, refusal: { code: 'REQUEST_IN_PROGRESS' } });
  });

  it('a start whose first write was answered but lost finds its own session (duplicate); one whose record vanished decides again', async () => {
    const w = world();
    let first = true;
    const lossy: SessionPort = {
      openSession: async (write) => {
        const out = await w.sessions.openSession(write);
        if (first) { first = false; return { kind: 'duplicate', record: null }; }
        return out;
      },
      session: (id) => w.sessions.session(id), closeSession: (x) => w.sessions.closeSession(x), expireSession: (s, a) => w.sessions.expireSession(s, a), expiredSessions: (n, l) => w.sessions.expiredSessions(n, l),
    };
    expect(await startSession({ ...w.deps, sessions: lossy }, terminal, startRequest, 'h1')).toMatchObject({ ok: true, replayed: true });
  });

  it('an end tag: a terminal of another business number is refused; a stale voucher is decided again; a store that keeps contending is REQUEST_IN_PROGRESS; a session closed meanwhile is refused as closed', async () => {
    const w = world();
    const opened = await startSession(w.deps, terminal, startRequest, 'h1');
    const sessionId = opened.ok ? (opened.receipt as { sessionId: string }).sessionId : '';
    w.at('2026-03-10T15:00:00');
    expect(await endSession(w.deps, terminal, sessionId, { ...endRequest, businessNumber: '9999999999' }, 'e0')).toMatchObject({ ok: false, refusal: { code: 'TERMINAL_MISMATCH' } });
    let stale = 1;
    const outcomes: CloseOutcome[] = [];
    const flaky: SessionPort = {
      openSession: (x) => w.sessions.openSession(x), session: (id) => w.sessions.session(id), expireSession: (s, a) => w.sessions.expireSession(s, a), expiredSessions: (n, l) => w.sessions.expiredSessions(n, l),
      closeSession: async (x) => {
        const out: CloseOutcome = stale-- > 0 ? { kind: 'stale-voucher' } : await w.sessions.closeSession(x);
        outcomes.push(out);
        return out;
      },
    };
    expect(await endSession({ ...w.deps, sessions: flaky }, terminal, sessionId, endRequest, 'e1')).toMatchObject({ ok: true, receipt: { amount: 16_620, minutes: 60 } });
    expect(outcomes.map((o) => o.kind)).toEqual(['stale-voucher', 'written']);
    // Closed meanwhile: the next round reads it closed.
    const second = await startSession(w.deps, terminal, { ...startRequest, transactionId: 'S-2' }, 'h2');
    const secondId = second.ok ? (second.receipt as { sessionId: string }).sessionId : '';
    w.at('2026-03-10T16:00:00');
    // Another end tag closes it between this one's read and its write.
    const closing: SessionPort = { ...flaky, closeSession: async () => (await endSession(w.deps, terminal, secondId, { ...endRequest, transactionId: 'E-other' }, 'eo'), { kind: 'not-open' }) };
    expect(await endSession({ ...w.deps, sessions: closing }, terminal, secondId, { ...endRequest, transactionId: 'E-2' }, 'e2')).toMatchObject({ ok: false, refusal: { code: 'SESSION_ALREADY_CLOSED' } });
    const third = await startSession(w.deps, terminal, { ...startRequest, transactionId: 'S-3' }, 'h3');
    const thirdId = third.ok ? (third.receipt as { sessionId: string }).sessionId : '';
    const contending: SessionPort = { ...flaky, closeSession: async () => ({ kind: 'contention' }) };
    expect(await endSession({ ...w.deps, sessions: contending }, terminal, thirdId, { ...endRequest, transactionId: 'E-3' }, 'e3')).toMatchObject({ ok: false, refusal: { code: 'REQUEST_IN_PROGRESS' } });
    const lost: SessionPort = { ...flaky, closeSession: async (x) => (await w.sessions.closeSession(x), { kind: 'duplicate', record: null }) };
    expect(await endSession({ ...w.deps, sessions: lost }, terminal, thirdId, { ...endRequest, transactionId: 'E-4' }, 'e4')).toMatchObject({ ok: true, replayed: true });
  });

  it('an end tag that makes no payment answers the session closed unbilled or uncovered', async () => {
    const w = world();
    const opened = await startSession(w.deps, terminal, startRequest, 'h1');
    const sessionId = opened.ok ? (opened.receipt as { sessionId: string }).sessionId : '';
    w.at('2026-03-10T14:10:00');
    expect(await endSession(w.deps, terminal, sessionId, endRequest, 'e1')).toMatchObject({ ok: true, receipt: { sessionId, status: 'CLOSED_UNBILLED' } });
    const again = await startSession(w.deps, terminal, { ...startRequest, transactionId: 'S-2' }, 'h2');
    const againId = again.ok ? (again.receipt as { sessionId: string }).sessionId : '';
    const v = w.store.vouchers.get('R0001/2026-03/310101')!;
    w.store.vouchers.set('R0001/2026-03/310101', { ...v, remainingAmount: 0 });
    w.at('2026-03-10T15:10:00');
    expect(await endSession(w.deps, terminal, againId, { ...endRequest, transactionId: 'E-2' }, 'e2')).toMatchObject({ ok: true, receipt: { status: 'CLOSED_UNCOVERED', minutes: 60, uncoveredAmount: 16_620 } });
  });

  it('TIME-03 the sweep pages through the expired sessions and stops when a page moves nothing', async () => {
    const w = world();
    await startSession(w.deps, terminal, startRequest, 'h1');
    await startSession(w.deps, terminal, { ...startRequest, transactionId: 'S-2', cardNumber: '9410000000000002', workerPaymentId: '20000002' }, 'h2');
    expect(await expireSessions(w.sessions, kst('2026-03-11T00:00:00'), 1)).toEqual({ expired: 2 });
    const stuck: SessionPort = { ...w.sessions, expiredSessions: async () => [session()], expireSession: async () => false, openSession: (x) => w.sessions.openSession(x), session: (id) => w.sessions.session(id), closeSession: (x) => w.sessions.closeSession(x) };
    expect(await expireSessions(stuck, kst('2026-03-11T00:00:00'), 1)).toEqual({ expired: 0 });
  });
});

// The store reads a session payment port for registry lookups only.
export type { PaymentPort };
