import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { intakeHarness, kst, pay, type IntakeHarness } from '../support/payments';
import { captureStdout } from '../support/capture';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { paymentBody } from '../support/terminal';

let env: TestEnvironment;
let h: IntakeHarness;
let stdout: string[] = [];

beforeAll(async () => {
  env = await useLocalEnvironment();
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  stdout = captureStdout();
  h = await intakeHarness(7);
});

const voucherOf = async (recipientId: string, month = '2026-03') =>
  (await env.scan()).find((i) => i.type === 'Voucher' && i.recipientId === recipientId && i.month === month)!;
const paymentsOf = async (recipientId: string) => (await env.scan()).filter((i) => i.type === 'Payment' && i.recipientId === recipientId);
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;

describe('payment intake against DynamoDB Local', () => {
  it('PAY-08: 50 parallel payments on one card with 8 sessions approve exactly 8; the balance never goes below zero', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) =>
      paymentBody(h.terminal, { cardNumber: card(1), amount: 20_000, kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceDate: `2026-03-0${(i % 9) + 1}`, serviceStartAt: null }),
    );
    const answers = await Promise.all(bodies.map((b) => pay(h, b)));
    const approved = answers.filter((a) => a.status === 201);
    expect(approved).toHaveLength(8);
    // PAY-06: the 50 are for nine service dates, so a second one for a date already paid is refused too.
    expect(answers.filter((a) => a.status !== 201).every((a) => a.status === 422 && ['NO_SESSIONS_LEFT', 'INSUFFICIENT_BALANCE', 'DAILY_LIMIT_REACHED'].includes(a.body.error.code))).toBe(true);
    expect(new Set(approved.map((a) => a.body.approvalNumber)).size).toBe(8);
    expect(approved.map((a) => a.body.voucher.remainingSessions).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const v = await voucherOf('R0001');
    expect(v).toMatchObject({ remainingAmount: 0, remainingSessions: 0, version: 8 });
    expect(await paymentsOf('R0001')).toHaveLength(8);
  }, 60_000);

  it('PAY-09: 20 parallel retries of one transactionId make one payment and all get its answer', async () => {
    const body = paymentBody(h.terminal, { cardNumber: card(2), amount: 20_000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => pay(h, body)));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(new Set(answers.map((a) => a.body.approvalNumber)).size).toBe(1);
    expect(await paymentsOf('R0002')).toHaveLength(1);
    expect(await voucherOf('R0002')).toMatchObject({ remainingAmount: 140_000, remainingSessions: 7 });
    // A retry later, after the day's slot is taken by this very payment, still gets the original answer.
    expect(await pay(h, body)).toEqual({ status: 201, body: answers[0]!.body });
  });

  it('PAY-09: the same transactionId with different content is a 409 that changes nothing', async () => {
    const body = paymentBody(h.terminal, { cardNumber: card(3), amount: 20_000 });
    expect((await pay(h, body)).status).toBe(201);
    const before = await env.scan();
    const conflict = await pay(h, { ...body, amount: 10_000 });
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_CONFLICT', details: { rule: 'PAY-09' } } } });
    expect(await env.scan()).toEqual(before);
  });

  it('a refused request changes nothing', async () => {
    const before = await env.scan();
    const answer = await pay(h, paymentBody(h.terminal, { cardNumber: card(4), amount: 20_001 }));
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'AMOUNT_EXCEEDS_SESSION', details: { rule: 'PAY-04' } } } });
    expect(await env.scan()).toEqual(before);
  });

  it('PAY-06: the 21st retroactive payment of a card on one day is refused by the database', async () => {
    const { dynamoTable } = await import('../../functions/shared/dynamo/client');
    const { doc, name } = dynamoTable();
    await doc.send(new PutCommand({ TableName: name, Item: { PK: `RETRO#${card(5)}#2026-03-10`, SK: '#COUNT', count: 20 } }));
    const answer = await pay(h, paymentBody(h.terminal, { cardNumber: card(5), kind: 'RETRO', reason: 'CARD_DAMAGED', serviceDate: '2026-03-02', serviceStartAt: null, amount: 20_000 }));
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'DAILY_LIMIT_REACHED', details: { rule: 'PAY-06' } } } });
    expect(await voucherOf('R0005')).toMatchObject({ remainingSessions: 8 });
  });

  it('PAY-07: one makeup per card × service × day even against two months\' vouchers; a cancel frees the day', async () => {
    const makeup = (serviceDate: string, transactionId: string) =>
      paymentBody(h.terminal, { cardNumber: card(7), kind: 'MAKEUP', reason: 'RESCHEDULED', serviceDate, serviceStartAt: null, amount: 20_000, transactionId });
    const february = await pay(h, makeup('2026-02-20', 'M-7a'));
    expect(february.status).toBe(201);
    const before = await env.scan();
    const march = await pay(h, makeup('2026-03-09', 'M-7b'));
    expect(march).toMatchObject({ status: 422, body: { error: { code: 'DAILY_LIMIT_REACHED', details: { rule: 'PAY-07' } } } });
    expect(await env.scan()).toEqual(before);
    const number = february.body.approvalNumber as string;
    const cancelled = await h.call('POST', 'POST /v1/terminal/payments/{approvalNumber}/cancel', `/v1/terminal/payments/${number}/cancel`, { transactionId: 'C-7', businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone }, { pathParameters: { approvalNumber: number } });
    expect(cancelled.status).toBe(200);
    expect((await pay(h, makeup('2026-03-09', 'M-7c'))).status).toBe(201);
    expect(await voucherOf('R0007', '2026-02')).toMatchObject({ remainingSessions: 8 });
    expect(await voucherOf('R0007', '2026-03')).toMatchObject({ remainingSessions: 7 });
  });

  it('PAY-10: a same-day cancel restores balance and session and frees the day; its retry answers the same; a second cancel conflicts', async () => {
    const approved = await pay(h, paymentBody(h.terminal, { cardNumber: card(6), amount: 20_000 }));
    const number = approved.body.approvalNumber as string;
    const cancel = (txid: string) =>
      h.call('POST', 'POST /v1/terminal/payments/{approvalNumber}/cancel', `/v1/terminal/payments/${number}/cancel`, { transactionId: txid, businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone }, { pathParameters: { approvalNumber: number } });
    const first = await cancel('C-6');
    expect(first).toEqual({ status: 200, body: { approvalNumber: number, status: 'CANCELLED', voucher: { month: '2026-03', remainingAmount: 160_000, remainingSessions: 8 } } });
    expect(await cancel('C-6')).toEqual(first);
    expect(await cancel('C-6b')).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_CANCELLED' } } });
    expect((await paymentsOf('R0006'))[0]).toMatchObject({ status: 'CANCELLED' });
    // The day is free again for a normal payment.
    expect((await pay(h, paymentBody(h.terminal, { cardNumber: card(6), amount: 20_000 }))).status).toBe(201);
  });

  it('PAY-10: the next day the terminal cancel is refused with USE_REFUND_REQUEST', async () => {
    const approved = await pay(h, paymentBody(h.terminal, { cardNumber: card(3), kind: 'RETRO', reason: 'TERMINAL_BROKEN', serviceDate: '2026-03-03', serviceStartAt: null, amount: 20_000 }));
    h.setNow(kst('2026-03-11T09:00:00'));
    const number = approved.body.approvalNumber as string;
    const res = await h.call('POST', 'POST /v1/terminal/payments/{approvalNumber}/cancel', `/v1/terminal/payments/${number}/cancel`, { transactionId: 'C-next', businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone }, { pathParameters: { approvalNumber: number } });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'USE_REFUND_REQUEST', details: { rule: 'PAY-10' } } } });
    h.setNow(kst('2026-03-10T14:05:00'));
  });

  it('PAY-12: the balance inquiry answers the instant\'s remainder with the card masked', async () => {
    const res = await h.call('GET', 'GET /v1/terminal/cards/{cardNumber}/balance', `/v1/terminal/cards/${card(4)}/balance?serviceCode=110101`, undefined, { pathParameters: { cardNumber: card(4) } });
    expect(res).toEqual({ status: 200, body: { cardNumber: '9410********0004', serviceCode: '110101', month: '2026-03', remainingAmount: 160_000, remainingSessions: 8 } });
  });

  it('signatures: a wrong signature, a stale timestamp or an unknown terminal is 401', async () => {
    const body = paymentBody(h.terminal, { cardNumber: card(4) });
    expect((await h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', body, { headers: { 'x-signature': 'ab'.repeat(32) } })).status).toBe(401);
    expect((await h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', body, { headers: { 'x-timestamp': '2026-03-10T04:59:00Z' } })).status).toBe(401);
    expect((await h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', body, { headers: { 'x-terminal-serial': 'VT11-999999' } })).status).toBe(401);
  });

  it('§4.7: an offline batch decides each item as if alone, in request order, and a re-upload changes nothing', async () => {
    const items = [
      paymentBody(h.terminal, { cardNumber: card(5), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceDate: '2026-03-04', serviceStartAt: null, amount: 20_000 }),
      { transactionId: 'bad', amount: -1 },
      paymentBody(h.terminal, { cardNumber: card(4), kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceDate: '2026-03-05', serviceStartAt: null, amount: 20_000 }),
    ];
    const first = await h.call('POST', 'POST /v1/terminal/payments/batch', '/v1/terminal/payments/batch', { items });
    expect(first.status).toBe(207);
    expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([422, 400, 201]); // card 5 hit its retro limit above
    expect(first.body.results[1].body.error.code).toBe('VALIDATION_FAILED');
    const before = await env.scan();
    const again = await h.call('POST', 'POST /v1/terminal/payments/batch', '/v1/terminal/payments/batch', { items });
    expect(again.body.results[2]).toEqual(first.body.results[2]);
    expect(await env.scan()).toEqual(before);
  });

  it('a body that is not JSON or not a payment is a 400 naming the fields', async () => {
    expect(await h.call('POST', 'POST /v1/terminal/payments', '/v1/terminal/payments', undefined, { rawBody: '{"amount":' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const res = await pay(h, { ...paymentBody(h.terminal), amount: 1.5, serviceDate: '2026-02-30' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['amount', 'serviceDate']);
  });

  it('logs every payment as structured JSON with the card masked and no RRN or name', () => {
    const lines = stdout.join('').split('\n').filter((l) => l.includes('"message":"payment"'));
    expect(lines.length).toBeGreaterThan(50);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: 'INFO', card: expect.stringMatching(/^9410\*{8}\d{4}$/) });
    const all = stdout.join('');
    expect(all).not.toMatch(/9410000000000\d{3}/);
    expect(all).not.toMatch(/8501011234567|850101-1234567|김민수|이서연/);
  });
});
