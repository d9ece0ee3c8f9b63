/**
 * Time sessions (TIME-01…03) through the payment-intake handler on DynamoDB Local: concurrent
 * start tags make one session, concurrent end tags one payment, an end tag racing a cancel on the
 * same voucher leaves it adding up in won and minutes; malformed and hostile bodies at the
 * session routes always get a 4xx and write nothing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionEndRequest, sessionStartRequest } from '../../events/payments';
import { activityDocument } from '../support/fixtures';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { intakeHarness, type IntakeHarness, kst } from '../support/payments';

let env: TestEnvironment;
let h: IntakeHarness;
let txn = 0;
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;

beforeAll(async () => {
  env = await useLocalEnvironment();
  h = await intakeHarness(4, activityDocument);
}, 60_000);

const identity = () => ({ businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone });
const startBody = (over: Record<string, unknown> = {}) => ({ transactionId: `S-${++txn}`, ...identity(), serviceCode: '310101', workerPaymentId: '20000001', cardNumber: card(1), ...over });
const start = (body: unknown) => h.call('POST', 'POST /v1/terminal/sessions/start', '/v1/terminal/sessions/start', body);
const end = (sessionId: string, body: unknown = { transactionId: `E-${++txn}`, ...identity() }) =>
  h.call('POST', 'POST /v1/terminal/sessions/{sessionId}/end', `/v1/terminal/sessions/${sessionId}/end`, body, { pathParameters: { sessionId } });

describe('TIME-01 concurrency on DynamoDB Local', () => {
  it('five start tags at once on one card (two workers) make one session; the others are SESSION_ALREADY_OPEN', async () => {
    h.setNow(kst('2026-03-10T10:00:00'));
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => start(startBody({ workerPaymentId: i % 2 ? '20000001' : '20000002' }))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const sessions = (await env.scan()).filter((i) => i.type === 'TimeSession');
    expect(sessions).toHaveLength(1);
    const sessionId = answers.find((a) => a.status === 201)!.body.sessionId as string;

    // Five end tags at once: one payment, the rest refused as closed (or still retrying and then refused).
    h.setNow(kst('2026-03-10T11:00:00'));
    const ends = await Promise.all([1, 2, 3, 4, 5].map(() => end(sessionId)));
    expect(ends.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(ends.filter((a) => a.status === 409).every((a) => a.body.error.code === 'SESSION_ALREADY_CLOSED')).toBe(true);
    const payments = (await env.scan()).filter((i) => i.type === 'Payment' && i.sessionId === sessionId);
    expect(payments).toHaveLength(1);
    // 10:00–11:00: 4 units × 4,155.
    expect(payments[0]).toMatchObject({ amount: 16_620, minutes: 60 });
  }, 60_000);

  it('an end tag racing a cancel on the same voucher: both land, and the voucher adds up in won and minutes', async () => {
    h.setNow(kst('2026-03-10T12:00:00'));
    const first = await start(startBody({ cardNumber: card(2), workerPaymentId: '20000001' }));
    h.setNow(kst('2026-03-10T13:00:00'));
    const paid = await end(first.body.sessionId);
    expect(paid.status).toBe(201);
    const second = await start(startBody({ cardNumber: card(2), workerPaymentId: '20000002' }));
    expect(second.status).toBe(201);
    h.setNow(kst('2026-03-10T14:30:00'));
    const [cancelled, ended] = await Promise.all([
      h.call('POST', 'POST /v1/terminal/payments/{approvalNumber}/cancel', `/v1/terminal/payments/${paid.body.approvalNumber}/cancel`, { transactionId: `C-${++txn}`, ...identity() }, { pathParameters: { approvalNumber: paid.body.approvalNumber } }),
      end(second.body.sessionId),
    ]);
    expect(cancelled.status).toBe(200);
    expect(ended).toMatchObject({ status: 201, body: { amount: 24_930, minutes: 90 } });
    const items = await env.scan();
    const voucher = items.find((i) => i.type === 'Voucher' && i.recipientId === 'R0002' && i.serviceCode === '310101')!;
    const approved = items.filter((i) => i.type === 'Payment' && i.recipientId === 'R0002' && i.serviceCode === '310101' && i.status === 'APPROVED');
    expect(approved).toHaveLength(1);
    expect((voucher.grantedAmount as number) - (voucher.remainingAmount as number)).toBe(24_930);
    expect((voucher.grantedMinutes as number) - (voucher.remainingMinutes as number)).toBe(90);
  }, 60_000);
});

describe('session routes under hostile input', () => {
  const hostileValue = fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom(-1, 0, 1e21, null, true, [], {}, '__proto__', "' OR 1=1 --", '\u0000', '가'.repeat(300), '9'.repeat(5000)));
  const mutated = (valid: () => Record<string, unknown>, fields: string[], schema: { safeParse(v: unknown): { success: boolean } }, wrap: (b: unknown) => unknown) =>
    fc
      .tuple(fc.constantFrom(...fields, 'constructor', '__proto__', 'extra'), hostileValue, fc.constantFrom('replace', 'remove'))
      .map(([field, value, how]) => {
        const body = valid();
        if (how === 'remove') delete body[field];
        else Object.defineProperty(body, field, { value, enumerable: true, writable: true, configurable: true });
        return JSON.stringify(body);
      })
      .filter((text) => !schema.safeParse(wrap(JSON.parse(text))).success);
  const startBodies = mutated(() => startBody({ cardNumber: card(4) }), ['transactionId', 'businessNumber', 'terminalPhone', 'serviceCode', 'workerPaymentId', 'cardNumber'], sessionStartRequest, (b) => b);
  const endBodies = mutated(() => ({ transactionId: `E-${++txn}`, ...identity() }), ['transactionId', 'businessNumber', 'terminalPhone'], sessionEndRequest, (b) => ({ sessionId: 'S2603100000000001', body: b }));
  const anyText = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')));
  const sessionIds = fc.oneof(fc.constantFrom('S2603100000000001', 'x', '', '../../etc', 'S'.repeat(500)), fc.string());

  it('never answers 5xx and never writes anything', async () => {
    h.setNow(kst('2026-03-10T16:00:00'));
    const before = await env.scan();
    await fc.assert(
      fc.asyncProperty(fc.oneof(startBodies.map((t) => ['start', t, ''] as const), fc.tuple(fc.constant('end' as const), fc.oneof(endBodies, anyText), sessionIds), anyText.map((t) => ['start', t, ''] as const)), async ([route, text, sessionId]) => {
        const res = route === 'start'
          ? await h.call('POST', 'POST /v1/terminal/sessions/start', '/v1/terminal/sessions/start', undefined, { rawBody: text })
          : await h.call('POST', 'POST /v1/terminal/sessions/{sessionId}/end', `/v1/terminal/sessions/${encodeURIComponent(sessionId)}/end`, undefined, { rawBody: text, pathParameters: { sessionId } });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 1_000 },
    );
    expect(await env.scan()).toEqual(before);
  }, 120_000);
});
