/**
 * A day of activity support (장애인활동지원, domain.md §4.6) end to end through the HTTP API of the
 * local stack: start and end tags, the amount by the rate with the night surcharge, one open
 * session per card and worker, a same-day cancel, a retroactive time payment, balance in minutes,
 * an expired session, and the cycle's payout of the time payments from the municipality's deposit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityDocument } from '../support/fixtures';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;
let txn = 0;
const tag = () => world.terminalFetch();
const identity = () => ({ businessNumber: world.terminal.businessNumber, terminalPhone: world.terminal.phone });
const start = async (instant: string, card: number, workerPaymentId = '20000001') => {
  await world.setNow(instant);
  return tag()('POST', '/v1/terminal/sessions/start', { transactionId: `S-${++txn}`, ...identity(), serviceCode: '310101', workerPaymentId, cardNumber: world.card(card) });
};
const end = async (instant: string, sessionId: string, transactionId = `E-${++txn}`) => {
  await world.setNow(instant);
  return tag()('POST', `/v1/terminal/sessions/${sessionId}/end`, { transactionId, ...identity() });
};

// Answers show the start instant to the second: the clock stands still between steps (it ran on
// by a second under a loaded machine once, and the start tag said 14:00:01).
beforeAll(() => world.start({ cards: 3, at: '2026-03-01T09:00:00+09:00', document: activityDocument, frozenClock: true }), 60_000);
afterAll(() => world.stop());

describe('§4.6 a day of activity support through the terminal API', () => {
  let afternoon = '';
  let evening = '';

  it('TIME-01/02 a start tag opens a session; its end tag pays the billed units at the rate and takes won and minutes from the voucher', async () => {
    expect((await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'ACTIVITY', amount: 1_000_000, depositedAt: '2026-03-02T10:00:00+09:00' }, tokens.city)).status).toBe(201);
    const opened = await start('2026-03-10T14:00:00+09:00', 1);
    expect(opened).toMatchObject({ status: 201, body: { startedAt: '2026-03-10T14:00:00+09:00', expiresAt: '2026-03-10T22:00:00+09:00', voucher: { month: '2026-03', remainingAmount: 1_662_000, remainingMinutes: 6_000 } } });
    // TIME-01: neither the card × service nor the worker can open a second session.
    expect((await start('2026-03-10T14:05:00+09:00', 1, '20000002')).body.error).toMatchObject({ code: 'SESSION_ALREADY_OPEN', details: { rule: 'TIME-01' } });
    expect((await start('2026-03-10T14:05:00+09:00', 2, '20000001')).status).toBe(409);
    // 14:00–16:10: 130 minutes bill 8 units of 15 minutes, 8 × 4,155 = 33,240 won.
    const ended = await end('2026-03-10T16:10:00+09:00', opened.body.sessionId, 'E-afternoon');
    expect(ended).toMatchObject({ status: 201, body: { status: 'APPROVED', amount: 33_240, minutes: 120, uncoveredAmount: 0, voucher: { remainingAmount: 1_628_760, remainingMinutes: 5_880 } } });
    afternoon = ended.body.approvalNumber;
    // PAY-09: the end tag sent again answers the same approval; another end tag is refused.
    expect((await end('2026-03-10T16:11:00+09:00', opened.body.sessionId, 'E-afternoon')).body.approvalNumber).toBe(afternoon);
    expect((await end('2026-03-10T16:11:00+09:00', opened.body.sessionId)).body.error).toMatchObject({ code: 'SESSION_ALREADY_CLOSED' });
    const balance = await tag()('GET', `/v1/terminal/cards/${world.card(1)}/balance?serviceCode=310101`);
    expect(balance).toMatchObject({ status: 200, body: { cardNumber: '9410********0001', month: '2026-03', remainingAmount: 1_628_760, remainingMinutes: 5_880 } });
  }, 60_000);

  it('TIME-02 a session across 22:00 pays the night units at 1.5×; a same-day cancel gives back won and minutes', async () => {
    const opened = await start('2026-03-10T21:00:00+09:00', 2, '20000002');
    // 21:00–23:00: 4 × 4,155 + 4 × 6,232.5 = 41,550.
    const ended = await end('2026-03-10T23:00:00+09:00', opened.body.sessionId);
    expect(ended).toMatchObject({ status: 201, body: { amount: 41_550, minutes: 120, voucher: { remainingAmount: 1_620_450, remainingMinutes: 5_880 } } });
    evening = ended.body.approvalNumber;
    const cancelled = await tag()('POST', `/v1/terminal/payments/${evening}/cancel`, { transactionId: `C-${++txn}`, ...identity() });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'CANCELLED', voucher: { remainingAmount: 1_662_000, remainingMinutes: 6_000 } } });
  }, 60_000);

  it('TIME-04 the cancelled service is paid again retroactively the next day by its times, amount null; session tags are the only way to pay it normally', async () => {
    await world.setNow('2026-03-11T09:00:00+09:00');
    const base = { transactionId: `R-${++txn}`, ...identity(), serviceCode: '310101', workerPaymentId: '20000002', cardNumber: world.card(2), kind: 'RETRO', reason: 'TERMINAL_BROKEN', serviceDate: '2026-03-10', amount: null };
    const retro = await tag()('POST', '/v1/terminal/payments', { ...base, serviceStartAt: '2026-03-10T21:00:00+09:00', serviceEndAt: '2026-03-10T23:00:00+09:00' });
    expect(retro).toMatchObject({ status: 201, body: { amount: 41_550, minutes: 120, voucher: { remainingAmount: 1_620_450, remainingMinutes: 5_880 } } });
    expect((await tag()('POST', '/v1/terminal/payments', { ...base, transactionId: `R-${++txn}`, serviceStartAt: '2026-03-10T09:00:00+09:00', serviceEndAt: '2026-03-10T18:00:00+09:00' })).body.error).toMatchObject({ code: 'USE_SERVICE_TIMES', details: { rule: 'TIME-04' } });
    expect((await tag()('POST', '/v1/terminal/payments', { ...base, transactionId: `R-${++txn}`, kind: 'NORMAL', reason: null, serviceDate: '2026-03-11', amount: 30_000, serviceStartAt: '2026-03-11T09:00:00+09:00' })).body.error).toMatchObject({ code: 'USE_SESSION_TAGS' });
    expect((await tag()('POST', '/v1/terminal/payments', { ...base, transactionId: `R-${++txn}`, serviceStartAt: '2026-03-10T21:00:00+09:00' })).status).toBe(400);
  }, 60_000);

  it('TIME-03 a session left open past 8 hours expires unpaid at the sweep; its end tag is refused and nothing is paid', async () => {
    const opened = await start('2026-03-11T09:30:00+09:00', 3);
    // The clock passes the 17:30 sweep, which the stack fires: it expires the session. Run again, it finds nothing more.
    await world.setNow('2026-03-11T17:31:00+09:00');
    await world.drain();
    expect((await call('POST', '/_local/schedules/session-expiry/run')).body.result).toEqual({ expired: 0 });
    const ended = await end('2026-03-11T17:40:00+09:00', opened.body.sessionId);
    expect(ended).toMatchObject({ status: 422, body: { error: { code: 'SESSION_EXPIRED', details: { rule: 'TIME-03' } } } });
    expect((await tag()('GET', `/v1/terminal/cards/${world.card(3)}/balance?serviceCode=310101`)).body).toMatchObject({ remainingAmount: 1_662_000, remainingMinutes: 6_000 });
    // Bad input changes nothing: an unknown session, a malformed id, a malformed body.
    expect((await end('2026-03-11T17:41:00+09:00', 'S2603110000000000')).status).toBe(404);
    expect((await end('2026-03-11T17:41:00+09:00', 'not-a-session')).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await tag()('POST', `/v1/terminal/sessions/${opened.body.sessionId}/end`, { transactionId: 'x' })).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
  }, 60_000);

  it('the time payments settle like any other: the cycle of the 1st–10th pays the day\'s 33,240 won (the cancelled one never) from the ACTIVITY deposit', async () => {
    await world.drain();
    await world.setNow('2026-03-12T01:05:00+09:00');
    expect((await call('POST', '/_local/schedules/payout-batch/run')).status).toBe(200);
    const items = (await call('GET', '/v1/payouts', undefined, tokens.provider)).body.items as { payoutId: string; amount: number; payDate: string }[];
    expect(items.find((p) => p.payoutId === 'PO-2026-03-1-P0001-ACTIVITY')).toMatchObject({ amount: 33_240, payDate: '2026-03-13' });
    // PO-07: its statement lists the day's draw and the time payments behind it.
    const res = await fetch(`${world.stack.url}/v1/payouts/PO-2026-03-1-P0001-ACTIVITY/statement.csv`, { headers: { authorization: `Bearer ${tokens.provider}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines.filter((l) => l.startsWith('DRAW,'))).toEqual(['DRAW,2026-03-10,44130,33240']);
    const payments = lines.filter((l) => l.startsWith('PAYMENT,'));
    // The day's payments: the afternoon's paid, the evening's cancelled (listed, never paid).
    expect([...payments].sort()).toEqual([
      `PAYMENT,${evening},2026-03-10,2026-03-10,R0002,W0002,9410********0002,TERMINAL,NORMAL,41550,CANCELLED,`,
      `PAYMENT,${afternoon},2026-03-10,2026-03-10,R0001,W0001,9410********0001,TERMINAL,NORMAL,33240,APPROVED,`,
    ].sort());
    await world.drain();
    const report = (await call('GET', '/v1/reports/conservation', undefined, tokens.agency)).body;
    expect(report.differences).toEqual([]);
    expect(report.totals).toMatchObject({ deposited: 1_000_000, paidOut: 33_240, depositBalance: 1_000_000 - 33_240 });
    // PO-08 in minutes too: three vouchers of 6,000; 360 approved (afternoon, evening, retro), the evening's 120 cancelled.
    expect(report.totals.minutes).toEqual({ granted: 18_000, remaining: 18_000 - 240, lapsed: 0, approved: 360, cancelled: 120, restored: 0 });
  }, 60_000);

  it('PAY-11 a refunded time payment gives its voucher back its won and minutes, and the report still balances', async () => {
    await world.setNow('2026-03-12T10:00:00+09:00');
    const refund = await call('POST', '/v1/refunds', { approvalNumber: afternoon, reason: 'OVERCHARGE' }, tokens.provider);
    expect(refund.status).toBe(201);
    expect((await call('POST', `/v1/refunds/${refund.body.refundId}/approve`, {}, tokens.agency)).status).toBe(200);
    expect((await tag()('GET', `/v1/terminal/cards/${world.card(1)}/balance?serviceCode=310101`)).body).toMatchObject({ remainingAmount: 1_662_000, remainingMinutes: 6_000 });
    await world.drain();
    const report = (await call('GET', '/v1/reports/conservation', undefined, tokens.agency)).body;
    expect(report.differences).toEqual([]);
    expect(report.totals.minutes).toEqual({ granted: 18_000, remaining: 18_000 - 120, lapsed: 0, approved: 360, cancelled: 120, restored: 120 });
  }, 60_000);
});
