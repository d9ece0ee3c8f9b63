/**
 * Operations end to end on the local stack (issue 16 §2): the queues with their dead letters, a
 * dead letter masked, a redrive that the consumer then does (idempotently), the alarms as the
 * local stack evaluates them, the handlers' metrics reaching the local CloudWatch, and every
 * route walked as role `ops`, whose answers carry no personal data.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/shared/sqs';
import { ROUTES } from '../../infra/system';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;

beforeAll(async () => {
  await world.start({ cards: 4, at: '2026-03-10T10:00:00+09:00' });
  await world.pay(1, '10:00');
  await world.pay(2, '10:00');
  await world.drain();
}, 60_000);
afterAll(() => world.stop());

const deadLetter = (queue: keyof typeof world.stack.queues.dlqUrls, body: unknown) =>
  sqsClient().send(new SendMessageCommand({ QueueUrl: world.stack.queues.dlqUrls[queue], MessageBody: JSON.stringify(body) }));
const queuesNow = async () => (await call('GET', '/v1/ops/queues', undefined, tokens.ops)).body.items as { queue: string; depth: number; inFlight: number; deadLetters: number }[];
const alarm = async (name: string) => ((await call('GET', '/v1/ops/alarms', undefined, tokens.ops)).body.items as { name: string; state: string }[]).find((a) => a.name === name);

/** What the registry fixture holds that is personal: names, RRNs (with and without the dash), card numbers, phones. */
const PERSONAL = ['김민수', '이서연', '850101-1234567', '8501011234567', '150402-4', '1504024', '9410000000000001', '9410000000000002', '01012345678'];

describe('issue 16 §2 operations', () => {
  it('lists every queue with its depth and its dead letters; a dead letter comes masked and stays until redriven', async () => {
    const before = await queuesNow();
    expect(before.map((q) => q.queue).sort()).toEqual(Object.keys(world.stack.queues.urls).sort());
    expect(before.every((q) => q.depth === 0 && q.deadLetters === 0)).toBe(true);
    await deadLetter('payment-events-failed', { note: 'stream record', cardNumber: '9410000000000001', recipient: { name: '이서연', rrn: '150402-4000001' }, text: 'card 9410000000000001 of 150402-4000001' });
    const listed = await call('GET', '/v1/ops/dead-letters?queue=payment-events-failed', undefined, tokens.ops);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ messageId: expect.any(String), receiveCount: expect.any(Number), body: { note: 'stream record', cardNumber: '9410********0001', recipient: { name: '이*연', rrn: '******-*******' }, text: 'card 9410********0001 of ******-*******' } })]);
    expect(JSON.stringify(listed.body)).not.toMatch(/9410000000000001|150402-4000001|이서연/);
    // Peeking leaves it where it is.
    expect((await queuesNow()).find((q) => q.queue === 'payment-events-failed')!.deadLetters).toBe(1);
    expect((await call('GET', '/v1/ops/dead-letters?queue=nowhere', undefined, tokens.ops))).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_QUEUE' } } });
    expect((await call('GET', '/v1/ops/dead-letters', undefined, tokens.ops)).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await call('GET', '/v1/ops/dead-letters?queue=payment-events-failed', undefined, tokens.provider)).status).toBe(403);
  }, 30_000);

  it('a dead letter raises its queue\'s alarm; a redrive moves it back, its consumer does it once, and the alarm clears', async () => {
    // A page of voucher generation that failed five times: generating a month again creates nothing new.
    await deadLetter('voucher-generation', { version: 1, job: 'GENERATE', month: '2026-03', shard: 0, decidedAt: '2026-03-10T10:00:00+09:00' });
    expect((await queuesNow()).find((q) => q.queue === 'voucher-generation')!.deadLetters).toBe(1);
    expect(await alarm('voucher-generation-dlq-depth')).toMatchObject({ state: 'ALARM' });
    expect(await alarm('screening-dlq-depth')).toMatchObject({ state: 'OK' });
    const vouchersBefore = (await call('GET', '/v1/vouchers?month=2026-03', undefined, tokens.provider)).body.items;

    expect((await call('POST', '/v1/ops/dead-letters/voucher-generation/redrive', {}, tokens.provider)).status).toBe(403);
    const moved = await call('POST', '/v1/ops/dead-letters/voucher-generation/redrive', {}, tokens.ops);
    expect(moved).toMatchObject({ status: 200, body: { queue: 'voucher-generation', moved: 1 } });
    await world.drain();
    expect((await queuesNow()).find((q) => q.queue === 'voucher-generation')).toMatchObject({ depth: 0, deadLetters: 0 });
    expect(await alarm('voucher-generation-dlq-depth')).toMatchObject({ state: 'OK' });
    expect((await call('GET', '/v1/vouchers?month=2026-03', undefined, tokens.provider)).body.items).toEqual(vouchersBefore);
    expect((await call('POST', '/v1/ops/dead-letters/voucher-generation/redrive', {}, tokens.ops)).body.moved).toBe(0);
    expect((await call('POST', '/v1/ops/dead-letters/nowhere/redrive', {}, tokens.ops)).status).toBe(404);
  }, 60_000);

  it('the alarms are the dashboard\'s, evaluated from the same metrics; the handlers\' EMF metrics reach the local CloudWatch', async () => {
    const alarms = (await call('GET', '/v1/ops/alarms', undefined, tokens.ops)).body.items as { name: string; state: string; description: string }[];
    expect(alarms.map((a) => a.name)).toEqual(expect.arrayContaining(['screening-dlq-depth', 'screening-age', 'CmsCutoffMissed', 'ConservationUnbalanced']));
    expect(alarms.every((a) => ['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(a.state) && a.description.length > 0)).toBe(true);
    expect(world.stack.metrics.sum('PaymentSucceeded', 60)).toBeGreaterThanOrEqual(2);
    expect(world.stack.metrics.since(0, ['ScreeningLatency']).length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('§8 every route walked as ops answers without personal data', async () => {
    const ids: Record<string, string> = { recipientId: 'R0001', workerId: 'W0001', cardNumber: '9410000000000001', serial: 'VT11-000001', contractId: 'C0001', providerId: 'P0001', queue: 'payment-events-failed', fileId: 'CMS-2026-03-13' };
    const statuses: Record<string, number> = {};
    for (const route of ROUTES.filter((r) => r.auth === 'jwt')) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'X1');
      const answer = await call(route.method, path, route.method === 'GET' ? undefined : {}, tokens.ops);
      statuses[`${route.method} ${route.path}`] = answer.status;
      expect(answer.status, `${route.method} ${path}`).toBeLessThan(500);
      const text = JSON.stringify(answer.body);
      for (const value of PERSONAL) expect(text, `${route.method} ${path} shows ${value}`).not.toContain(value);
    }
    // What ops may read it reads (the rest is refused).
    expect(Object.entries(statuses).filter(([, s]) => s === 200).map(([k]) => k)).toEqual(expect.arrayContaining(['GET /v1/ops/queues', 'GET /v1/ops/alarms', 'GET /v1/reports/conservation', 'GET /v1/cms/files']));
  }, 60_000);
});
