/**
 * The session store's contract (TIME-01…03), through the use cases that rely on it: one suite,
 * run against the in-memory fake (test/unit) and the DynamoDB adapter on DynamoDB Local
 * (test/integration).
 */
import { expect, it } from 'vitest';
import type { PayingTerminal } from '../../domain/payments/payment';
import type { PaymentPort } from '../../domain/payments/ports';
import { endSession, expireSessions, type SessionDeps, type SessionPort, type SessionStartRequest, startSession } from '../../domain/payments/sessions';
import { koreanHolidays } from '../../functions/shared/holidays';
import { contractSuite } from './suite';

export interface SessionStoreUnderTest {
  store: PaymentPort;
  sessions: SessionPort;
}

const kst = (s: string) => new Date(`${s}+09:00`);
const terminal: PayingTerminal = { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [] };
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
const BIZ = '1234567891';

/** `make` seeds `activityDocument(6)` and its March vouchers (1,662,000 won, 6,000 minutes each). */
export function sessionStoreContract(name: string, make: () => Promise<SessionStoreUnderTest>) {
  contractSuite(`session store contract: ${name}`, make, (subject) => {
    let now = kst('2026-03-10T14:00:00');
    let txn = 0;
    let ids = 0;
    let firstSession = '';
    const deps = (): SessionDeps => ({
      store: subject.store,
      sessions: subject.sessions,
      clock: { now: () => now },
      sleep: async () => undefined,
      random: () => 0.5,
      approvalNumbers: { next: (date) => `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${String(++ids).padStart(8, '0')}` },
      sessionIds: { next: (date) => `S${date.slice(2).replaceAll('-', '')}${String(++ids).padStart(10, '0')}` },
      holidays: koreanHolidays,
    });
    const start = (over: Partial<SessionStartRequest> = {}) => {
      const request: SessionStartRequest = { transactionId: `ST-${++txn}`, businessNumber: BIZ, terminalPhone: '01012345678', serviceCode: '310101', workerPaymentId: '20000001', cardNumber: card(1), ...over };
      return startSession(deps(), terminal, request, JSON.stringify(request));
    };
    const end = (sessionId: string, transactionId = `EN-${++txn}`) => {
      const request = { transactionId, businessNumber: BIZ, terminalPhone: '01012345678' };
      return endSession(deps(), terminal, sessionId, request, JSON.stringify({ sessionId, ...request }));
    };

    it('TIME-01 a start tag opens one session; the same card × service or the same worker cannot open a second (SESSION_ALREADY_OPEN)', async () => {
      now = kst('2026-03-10T14:00:00');
      const first = await start({ transactionId: 'ST-one' });
      expect(first).toMatchObject({ ok: true, receipt: { startedAt: '2026-03-10T14:00:00+09:00', expiresAt: '2026-03-10T22:00:00+09:00', voucher: { month: '2026-03', remainingAmount: 1_662_000, remainingMinutes: 6_000 } } });
      expect(await start({ workerPaymentId: '20000002' })).toMatchObject({ ok: false, refusal: { code: 'SESSION_ALREADY_OPEN', rule: 'TIME-01' } });
      expect(await start({ cardNumber: card(2) })).toMatchObject({ ok: false, refusal: { code: 'SESSION_ALREADY_OPEN', rule: 'TIME-01' } });
      // PAY-09: the same start again answers the same session.
      const again = await start({ transactionId: 'ST-one' });
      expect(again).toMatchObject({ ok: true, replayed: true });
      firstSession = first.ok ? (first.receipt as { sessionId: string }).sessionId : '';
      expect(again.ok && (again.receipt as { sessionId: string }).sessionId).toBe(firstSession);
    });

    it('TIME-02 the end tag pays the units at the rate and deducts won and minutes together; the locks are free again', async () => {
      now = kst('2026-03-10T16:10:00');
      const sessionId = firstSession;
      const paid = await end(sessionId, 'EN-one');
      // 14:00–16:10 is 130 minutes: 8 units of 15 × 4,155 won = 33,240.
      expect(paid).toMatchObject({ ok: true, receipt: { status: 'APPROVED', amount: 33_240, minutes: 120, uncoveredAmount: 0, sessionId, voucher: { remainingAmount: 1_662_000 - 33_240, remainingMinutes: 5_880 } } });
      expect(await subject.store.voucher('R0001', '2026-03', '310101')).toMatchObject({ remainingAmount: 1_628_760, remainingMinutes: 5_880, version: 1 });
      const approval = paid.ok ? (paid.receipt as { approvalNumber: string }).approvalNumber : '';
      expect(await subject.store.payment('P0001', approval)).toMatchObject({ amount: 33_240, minutes: 120, serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', serviceEndAt: '2026-03-10T16:10:00+09:00', sessionId, status: 'APPROVED' });
      expect(await subject.sessions.session(sessionId)).toMatchObject({ status: 'CLOSED', approvalNumber: approval });
      // PAY-09 and TIME-01: the same end tag replays; another end tag on the closed session is refused.
      expect(await end(sessionId, 'EN-one')).toMatchObject({ ok: true, replayed: true, receipt: { approvalNumber: approval } });
      expect(await end(sessionId)).toMatchObject({ ok: false, refusal: { code: 'SESSION_ALREADY_CLOSED' } });
      expect(await start({ workerPaymentId: '20000002' })).toMatchObject({ ok: true });
    });

    it('TIME-02 a session shorter than one unit closes unbilled; nothing is deducted', async () => {
      now = kst('2026-03-10T17:00:00');
      const opened = await start({ cardNumber: card(3) });
      const sessionId = opened.ok ? (opened.receipt as { sessionId: string }).sessionId : '';
      now = kst('2026-03-10T17:14:00');
      expect(await end(sessionId)).toMatchObject({ ok: true, receipt: { sessionId, status: 'CLOSED_UNBILLED' } });
      expect(await subject.store.voucher('R0003', '2026-03', '310101')).toMatchObject({ remainingAmount: 1_662_000, remainingMinutes: 6_000, version: 0 });
    });

    it('TIME-03 a session past its maximum length expires unpaid: its end tag is refused and frees the card; the sweep expires the rest, once', async () => {
      now = kst('2026-03-11T09:00:00');
      const a = await start({ cardNumber: card(4), workerPaymentId: '20000001' });
      expect(a).toMatchObject({ ok: true });
      now = kst('2026-03-11T09:05:00');
      const b = await start({ cardNumber: card(5), workerPaymentId: '20000002' });
      expect(b).toMatchObject({ ok: true });
      now = kst('2026-03-11T17:01:00');
      const aId = a.ok ? (a.receipt as { sessionId: string }).sessionId : '';
      expect(await end(aId)).toMatchObject({ ok: false, refusal: { code: 'SESSION_EXPIRED', rule: 'TIME-03' } });
      expect(await subject.sessions.session(aId)).toMatchObject({ status: 'EXPIRED', endedAt: '2026-03-11T17:00:00+09:00' });
      now = kst('2026-03-11T17:06:00');
      // The second one, and the one worker 20000002 opened on card 1 the day before (expired at 00:10).
      expect(await expireSessions(subject.sessions, now)).toEqual({ expired: 2 });
      expect(await expireSessions(subject.sessions, now)).toEqual({ expired: 0 });
      expect(await end(aId)).toMatchObject({ ok: false, refusal: { code: 'SESSION_EXPIRED' } });
      expect(await subject.store.voucher('R0004', '2026-03', '310101')).toMatchObject({ remainingAmount: 1_662_000, version: 0 });
      // Both workers and cards are free again.
      expect(await start({ cardNumber: card(4), workerPaymentId: '20000002' })).toMatchObject({ ok: true });
      expect(await start({ cardNumber: card(5), workerPaymentId: '20000001' })).toMatchObject({ ok: true });
    });

    it('TIME-01 a lock left by an expired session that no sweep has reached yet is taken over by the next start', async () => {
      // Worker 20000001's session of 17:06 yesterday expired at 01:06 and was never swept.
      now = kst('2026-03-12T08:00:00');
      expect(await start({ cardNumber: card(6), workerPaymentId: '20000001' })).toMatchObject({ ok: true });
      now = kst('2026-03-12T09:00:00');
      expect(await start({ cardNumber: card(6), workerPaymentId: '20000002' })).toMatchObject({ ok: false, refusal: { code: 'SESSION_ALREADY_OPEN' } });
      now = kst('2026-03-12T16:01:00');
      expect(await start({ cardNumber: card(6), workerPaymentId: '20000002' })).toMatchObject({ ok: true });
    });

    it('§4.6 a session program cannot be tagged, and a start for a card without a time contract is refused', async () => {
      now = kst('2026-03-13T10:00:00');
      expect(await start({ serviceCode: '110101', cardNumber: card(2), workerPaymentId: '20000002' })).toMatchObject({ ok: false, refusal: { code: 'NOT_A_TIME_PROGRAM' } });
      // A card never issued is answered as a card of someone the provider has no contract with (no existence oracle).
      expect(await start({ cardNumber: `9410${'9'.repeat(12)}`, workerPaymentId: '20000002' })).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT' } });
    });
  });
}
