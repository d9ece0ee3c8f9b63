/**
 * Regression (money always right, point 9): a retroactive payment for a service date that already
 * had a normal or retroactive payment was approved (one day billed twice), and one dated today was
 * accepted (a way around the 30-minute window and the once-a-day rule). PAY-06: it stands in for
 * the normal payment of its date, so the approval transaction refuses a second one for that card ×
 * service × date (a cancelled or refunded one does not count), and its date is before today.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { intakeHarness, kst, pay, type IntakeHarness } from '../support/payments';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { paymentBody } from '../support/terminal';

let env: TestEnvironment;
let h: IntakeHarness;
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
const retro = (i: number, serviceDate: string, over: Record<string, unknown> = {}) =>
  paymentBody(h.terminal, { cardNumber: card(i), amount: 20_000, kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceDate, serviceStartAt: null, ...over });
const paymentsOf = async (recipientId: string) => (await env.scan()).filter((i) => i.type === 'Payment' && i.recipientId === recipientId);
const cancel = (approvalNumber: string, transactionId: string) =>
  h.call('POST', 'POST /v1/terminal/payments/{approvalNumber}/cancel', `/v1/terminal/payments/${approvalNumber}/cancel`, { transactionId, businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone }, { pathParameters: { approvalNumber } });

beforeAll(async () => {
  env = await useLocalEnvironment();
  h = await intakeHarness(3);
}, 60_000);

describe('PAY-06 a retroactive payment stands in for the normal one', () => {
  it('PAY-06 a retroactive payment for a date paid normally is refused, and one dated today is', async () => {
    h.setNow(kst('2026-03-09T10:05:00'));
    expect((await pay(h, paymentBody(h.terminal, { cardNumber: card(1), amount: 20_000, serviceDate: '2026-03-09', serviceStartAt: '2026-03-09T10:00:00+09:00' }))).status).toBe(201);
    h.setNow(kst('2026-03-10T14:05:00'));
    expect(await pay(h, retro(1, '2026-03-09'))).toMatchObject({ status: 422, body: { error: { code: 'DAILY_LIMIT_REACHED', details: { rule: 'PAY-06' } } } });
    expect(await pay(h, retro(1, '2026-03-10'))).toMatchObject({ status: 422, body: { error: { code: 'OUTSIDE_PAYMENT_WINDOW', details: { rule: 'PAY-06' } } } });
    expect(await paymentsOf('R0001')).toHaveLength(1);
  });

  it('PAY-06 50 retroactive payments for one date in parallel make exactly one; 20 retries of it answer it', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => pay(h, retro(2, '2026-03-04'))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 201).every((a) => a.status === 422 && a.body.error.code === 'DAILY_LIMIT_REACHED')).toBe(true);
    const body = retro(2, '2026-03-05');
    const retries = await Promise.all(Array.from({ length: 20 }, () => pay(h, body)));
    expect(retries.every((a) => a.status === 201)).toBe(true);
    expect(new Set(retries.map((a) => a.body.approvalNumber)).size).toBe(1);
    expect(await paymentsOf('R0002')).toHaveLength(2);
  }, 60_000);

  it('PAY-06 a cancelled retroactive payment frees its date', async () => {
    const first = await pay(h, retro(3, '2026-03-06'));
    expect(first.status).toBe(201);
    expect((await cancel(first.body.approvalNumber, 'C-3')).status).toBe(200);
    expect((await pay(h, retro(3, '2026-03-06'))).status).toBe(201);
  });
});
