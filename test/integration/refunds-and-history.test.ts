import { beforeAll, describe, expect, it } from 'vitest';
import { agency, httpEvent, lambdaContext, provider } from '../support/events';
import { intakeHarness, kst, pay, type IntakeHarness } from '../support/payments';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';
import { paymentBody } from '../support/terminal';

let env: TestEnvironment;
let h: IntakeHarness;
let refunds: (typeof import('../../functions/refunds-api/handler'))['handler'];
let history: (typeof import('../../functions/payments-api/handler'))['handler'];

beforeAll(async () => {
  env = await useLocalEnvironment();
  h = await intakeHarness(3);
  ({ handler: refunds } = await import('../../functions/refunds-api/handler'));
  ({ handler: history } = await import('../../functions/payments-api/handler'));
});

const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
const people = async (fn: typeof refunds, method: string, routeKey: string, path: string, claims: Record<string, string>, body?: unknown, extra: { query?: Record<string, string>; pathParameters?: Record<string, string> } = {}) => {
  const event = { ...httpEvent({ method, path, routeKey, claims, body, ...(extra.query ? { query: extra.query } : {}) }), ...(extra.pathParameters ? { pathParameters: extra.pathParameters } : {}) };
  const out = (await fn(event, lambdaContext())) as { statusCode: number; body: string };
  return { status: out.statusCode, body: JSON.parse(out.body) };
};
const voucherOf = async (recipientId: string) => (await env.scan()).find((i) => i.type === 'Voucher' && i.recipientId === recipientId && i.month === '2026-03')!;

describe('PAY-11 refunds', () => {
  let approval: string;

  it('a payment of an earlier day is returned on request and approval; the voucher takes amount and session back', async () => {
    h.setNow(kst('2026-03-10T14:05:00'));
    approval = (await pay(h, paymentBody(h.terminal, { cardNumber: card(1), amount: 20_000 }))).body.approvalNumber;
    expect((await voucherOf('R0001')).remainingSessions).toBe(7);

    // The same day it is a terminal cancel, not a refund.
    const sameDay = await people(refunds, 'POST', 'POST /v1/refunds', '/v1/refunds', provider('P0001'), { approvalNumber: approval, reason: 'OVERCHARGE' });
    expect(sameDay).toMatchObject({ status: 422, body: { error: { code: 'USE_SAME_DAY_CANCEL', details: { rule: 'PAY-11' } } } });

    h.setNow(kst('2026-03-12T10:00:00'));
    const other = await people(refunds, 'POST', 'POST /v1/refunds', '/v1/refunds', provider('P0002'), { approvalNumber: approval, reason: 'OVERCHARGE' });
    expect(other.status).toBe(404);
    const requested = await people(refunds, 'POST', 'POST /v1/refunds', '/v1/refunds', provider('P0001'), { approvalNumber: approval, reason: 'NOT_DELIVERED', comment: '수급자 부재' });
    expect(requested).toMatchObject({ status: 201, body: { state: 'REQUESTED', amount: 20_000, approvalNumber: approval } });
    const twice = await people(refunds, 'POST', 'POST /v1/refunds', '/v1/refunds', provider('P0001'), { approvalNumber: approval, reason: 'NOT_DELIVERED' });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'REFUND_ALREADY_REQUESTED' } } });

    const id = requested.body.refundId as string;
    expect((await people(refunds, 'POST', 'POST /v1/refunds/{refundId}/approve', `/v1/refunds/${id}/approve`, provider('P0001'), {}, { pathParameters: { refundId: id } })).status).toBe(403);
    const approved = await people(refunds, 'POST', 'POST /v1/refunds/{refundId}/approve', `/v1/refunds/${id}/approve`, agency(), {}, { pathParameters: { refundId: id } });
    expect(approved).toMatchObject({ status: 200, body: { state: 'APPROVED', restored: true, recoveredOn: '2026-03-12' } });
    expect(await voucherOf('R0001')).toMatchObject({ remainingAmount: 160_000, remainingSessions: 8 });
    const again = await people(refunds, 'POST', 'POST /v1/refunds/{refundId}/approve', `/v1/refunds/${id}/approve`, agency(), {}, { pathParameters: { refundId: id } });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'INVALID_STATE' } } });
    expect(await voucherOf('R0001')).toMatchObject({ remainingAmount: 160_000, remainingSessions: 8 });
  });

  it('a rejection needs a reason and leaves the payment approved and refundable again', async () => {
    h.setNow(kst('2026-03-10T15:00:00'));
    const number = (await pay(h, paymentBody(h.terminal, { cardNumber: card(2), amount: 20_000 }))).body.approvalNumber as string;
    h.setNow(kst('2026-03-11T10:00:00'));
    const id = (await people(refunds, 'POST', 'POST /v1/refunds', '/v1/refunds', provider('P0001'), { approvalNumber: number, reason: 'WRONG_SERVICE' })).body.refundId as string;
    expect((await people(refunds, 'POST', 'POST /v1/refunds/{refundId}/reject', `/v1/refunds/${id}/reject`, agency(), {}, { pathParameters: { refundId: id } })).status).toBe(400);
    const rejected = await people(refunds, 'POST', 'POST /v1/refunds/{refundId}/reject', `/v1/refunds/${id}/reject`, agency(), { reason: '서비스 제공 확인' }, { pathParameters: { refundId: id } });
    expect(rejected).toMatchObject({ status: 200, body: { state: 'REJECTED' } });
    expect((await voucherOf('R0002')).remainingSessions).toBe(7);
    expect((await people(refunds, 'POST', 'POST /v1/refunds', '/v1/refunds', provider('P0001'), { approvalNumber: number, reason: 'OVERCHARGE' })).status).toBe(201);
  });
});

describe('PAY-13 usage history', () => {
  it('lists a provider\'s payments by date with cancellations and refunds beside them, filtered, paged, and never another provider\'s', async () => {
    h.setNow(kst('2026-03-12T14:00:00'));
    const cancelledNo = (await pay(h, paymentBody(h.terminal, { cardNumber: card(3), amount: 20_000, serviceDate: '2026-03-12', serviceStartAt: '2026-03-12T14:00:00+09:00' }))).body.approvalNumber as string;
    await h.call('POST', 'POST /v1/terminal/payments/{approvalNumber}/cancel', `/v1/terminal/payments/${cancelledNo}/cancel`, { transactionId: 'C-h', businessNumber: h.terminal.businessNumber, terminalPhone: h.terminal.phone }, { pathParameters: { approvalNumber: cancelledNo } });

    const all = await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0001'), undefined, { query: { from: '2026-03-01', to: '2026-03-31' } });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    const byStatus = Object.fromEntries(all.body.items.map((i: { status: string; approvalNumber: string }) => [i.approvalNumber, i]));
    expect(byStatus[cancelledNo]).toMatchObject({ status: 'CANCELLED', cancellation: { cancelledAt: expect.any(String) }, cardNumber: '9410********0003', channel: 'TERMINAL' });
    expect(all.body.items.find((i: { recipientId: string }) => i.recipientId === 'R0001')).toMatchObject({ status: 'REFUNDED', refund: { state: 'APPROVED' } });
    expect(all.body.items.find((i: { recipientId: string }) => i.recipientId === 'R0002')).toMatchObject({ status: 'APPROVED', refund: { state: 'REQUESTED' } });

    const one = await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0001'), undefined, { query: { from: '2026-03-01', to: '2026-03-31', recipientId: 'R0003' } });
    expect(one.body.items.map((i: { approvalNumber: string }) => i.approvalNumber)).toEqual([cancelledNo]);

    const first = await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0001'), undefined, { query: { from: '2026-02-01', to: '2026-03-31', limit: '2' } });
    expect(first.body.items).toHaveLength(2);
    const second = await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0001'), undefined, { query: { from: '2026-02-01', to: '2026-03-31', limit: '2', nextToken: first.body.nextToken } });
    expect([...first.body.items, ...second.body.items].map((i: { approvalNumber: string }) => i.approvalNumber).sort()).toEqual(all.body.items.map((i: { approvalNumber: string }) => i.approvalNumber).sort());

    expect((await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0002'), undefined, { query: { from: '2026-03-01', to: '2026-03-31' } })).body.items).toEqual([]);
    expect((await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0002'), undefined, { query: { providerId: 'P0001' } })).status).toBe(403);
    expect((await people(history, 'GET', 'GET /v1/payments', '/v1/payments', provider('P0001'), undefined, { query: { from: '2025-01-01', to: '2026-03-31' } })).status).toBe(400);

    const daily = await people(history, 'GET', 'GET /v1/payments/daily', '/v1/payments/daily', provider('P0001'), undefined, { query: { from: '2026-03-01', to: '2026-03-31' } });
    expect(daily.status).toBe(200);
    expect(daily.body.days).toHaveLength(31);
    expect(daily.body.days.find((d: { date: string }) => d.date === '2026-03-10')).toEqual({ date: '2026-03-10', approved: { count: 2, amount: 40_000 }, cancelled: { count: 0, amount: 0 } });
    expect(daily.body.days.find((d: { date: string }) => d.date === '2026-03-12')).toEqual({ date: '2026-03-12', approved: { count: 1, amount: 20_000 }, cancelled: { count: 1, amount: 20_000 } });
    expect((await people(history, 'GET', 'GET /v1/payments/daily', '/v1/payments/daily', provider('P0001'), undefined, { query: { from: '2026-03-01', to: '2026-04-15' } })).status).toBe(400);
  });
});
