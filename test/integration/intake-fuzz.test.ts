/**
 * Thousands of malformed and hostile terminal requests (fast-check): the handler answers each
 * with a 4xx in the error envelope — never a 5xx — and the table never changes.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { intakeHarness, type IntakeHarness } from '../support/payments';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { paymentBody } from '../support/terminal';
import { paymentRequest } from '../../events/payments';

let env: TestEnvironment;
let h: IntakeHarness;

beforeAll(async () => {
  env = await useLocalEnvironment();
  h = await intakeHarness(2);
});

const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.constantFrom(-1, 0, 0.5, 1e21, Number.MAX_SAFE_INTEGER, '36000', null, true, [], {}, '__proto__', '../../etc/passwd', "' OR 1=1 --", '\u0000', '가'.repeat(300), '9'.repeat(5000)),
);

const validBody = () => paymentBody(h.terminal, { cardNumber: '9410000000000001', amount: 20_000 });

/** A valid request with one field replaced, removed, or an extra one added. */
const mutatedPayment = fc
  .tuple(
    fc.constantFrom('transactionId', 'businessNumber', 'terminalPhone', 'serviceCode', 'workerPaymentId', 'cardNumber', 'amount', 'kind', 'serviceDate', 'serviceStartAt', 'reason', 'constructor', '__proto__', 'extra'),
    hostileValue,
    fc.constantFrom('replace', 'remove'),
  )
  .map(([field, value, how]) => {
    const body: Record<string, unknown> = validBody();
    if (how === 'remove') delete body[field];
    else Object.defineProperty(body, field, { value, enumerable: true, writable: true, configurable: true });
    return JSON.stringify(body);
  })
  // A mutation that is still a well-formed request is not malformed; the next property covers those.
  .filter((text) => !paymentRequest.safeParse(JSON.parse(text)).success);

const anyBody = fc.oneof(
  mutatedPayment,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.array(mutatedPayment, { maxLength: 3 }).map((items) => `{"items":[${items.join(',')}]}`),
);

const routes = [
  ['POST /v1/terminal/payments', '/v1/terminal/payments'],
  ['POST /v1/terminal/payments/batch', '/v1/terminal/payments/batch'],
  ['POST /v1/terminal/payments/{approvalNumber}/cancel', '/v1/terminal/payments/26031000000017/cancel'],
] as const;

describe('payment intake under hostile input', () => {
  it('never answers 5xx and never writes anything', async () => {
    const before = await env.scan();
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), anyBody, async ([routeKey, path], text) => {
        calls++;
        const res = await h.call('POST', routeKey, path, undefined, { rawBody: text, pathParameters: { approvalNumber: '26031000000017' } });
        expect(res.status).toBeLessThan(500);
        if (routeKey === 'POST /v1/terminal/payments/batch' && res.status === 207) {
          for (const r of res.body.results) expect(r.status).not.toBe(201);
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.body.error.code).toMatch(/^[A-Z_]+$/);
        }
      }),
      { numRuns: 2_000 },
    );
    expect(calls).toBe(2_000);
    expect(await env.scan()).toEqual(before);
  }, 120_000);

  it('well-formed requests with random content never answer 5xx, and the vouchers always add up', async () => {
    const card = fc.constantFrom('9410000000000001', '9410000000000002', '9410000000000099');
    const request = fc.record({
      transactionId: fc.constantFrom('R-1', 'R-2', 'R-3', 'R-4', 'R-5', 'R-6', 'R-7', 'R-8'),
      cardNumber: card,
      amount: fc.integer({ min: 1, max: 30_000 }),
      kind: fc.constantFrom('NORMAL', 'RETRO', 'MAKEUP'),
      reason: fc.constantFrom(null, 'SERVER_UNREACHABLE', 'RESCHEDULED', 'CARD_LOST'),
      serviceDate: fc.integer({ min: 1, max: 12 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`),
      workerPaymentId: fc.constantFrom('20000001', '20000002'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const body = { ...validBody(), ...r, serviceStartAt: `${r.serviceDate}T14:00:00+09:00` };
        const res = await h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', body);
        expect([201, 400, 409, 422]).toContain(res.status);
      }),
      { numRuns: 400 },
    );
    const items = await env.scan();
    const payments = items.filter((i) => i.type === 'Payment' && i.status === 'APPROVED');
    expect(payments.length).toBeGreaterThan(0);
    for (const v of items.filter((i) => i.type === 'Voucher')) {
      const mine = payments.filter((p) => p.recipientId === v.recipientId && p.voucherMonth === v.month && p.serviceCode === v.serviceCode);
      expect((v.grantedAmount as number) - (v.remainingAmount as number)).toBe(mine.reduce((n, p) => n + (p.amount as number), 0));
      expect((v.grantedSessions as number) - (v.remainingSessions as number)).toBe(mine.length);
      expect(v.remainingAmount as number).toBeGreaterThanOrEqual(0);
    }
    expect(items.filter((i) => i.type === 'TerminalTransaction')).toHaveLength(items.filter((i) => i.type === 'Payment').length);
  }, 120_000);

  it('headers are hostile too: a missing, forged or malformed signature is 401', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ 'x-signature': fc.string(), 'x-timestamp': fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), 'x-terminal-serial': fc.oneof(fc.constant(h.terminal.serial), fc.string()) }), async (headers) => {
        const res = await h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', validBody(), { headers });
        expect(res.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });
});
