import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueuePollers } from '../../infra/local/pollers';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/servers';
import { agency, httpEvent, lambdaContext } from '../support/events';
import { importDocument } from '../support/fixtures';
import { type TestEnvironment, useLocalEnvironment } from '../support/local';

let env: TestEnvironment;
let sqs: SQSClient;
let pollers: QueuePollers;
const consumerErrors: unknown[] = [];

const RECIPIENTS = 40;

beforeAll(async () => {
  env = await useLocalEnvironment();
  sqs = new SQSClient({ endpoint: env.queueEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  pollers = new QueuePollers(sqs, env.queues.urls, (_q, e) => consumerErrors.push(e));
  pollers.start();

  const doc = importDocument(RECIPIENTS);
  // VCH-02 cases: R0001 died in February, R0002's contract is suspended, R0003 runs four services.
  Object.assign(doc.recipients[0]!, { deathDate: '2026-02-10' });
  (doc.contracts[1] as Record<string, unknown>).status = 'SUSPENDED';
  doc.contracts.push(
    { contractId: 'C3-B', recipientId: 'R0003', providerId: 'P0001', serviceCode: '110201', grade: 'A', from: '2026-01-05', to: '2026-12-31', designatedWorkerIds: [] },
    { contractId: 'C3-C', recipientId: 'R0003', providerId: 'P0001', serviceCode: '110301', grade: '2', from: '2026-01-06', to: '2026-12-31', designatedWorkerIds: [] },
    { contractId: 'C3-D', recipientId: 'R0003', providerId: 'P0001', serviceCode: '110401', grade: '1', from: '2026-02-01', to: '2026-12-31', designatedWorkerIds: [] },
  );
  const { handler } = await import('../../functions/admin-import/handler');
  const res = (await handler(httpEvent({ method: 'POST', path: '/v1/admin/import', body: doc, claims: agency() }), lambdaContext())) as { body: string };
  expect(JSON.parse(res.body).rejected).toEqual([]);
});

afterAll(async () => {
  await pollers.stop();
  sqs.destroy();
});

async function drain(timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const pending = Object.values(await pollers.pending()).reduce((a, b) => a + b, 0);
    quiet = pending === 0 && pollers.idle ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('queues did not drain');
}

const runSchedule = async (scheduledTime: string) => {
  const { handler } = await import('../../functions/voucher-generation/handler');
  return handler({ version: 1, schedule: 'voucher-generation', scheduledTime });
};

const vouchers = async (month: string) => (await env.scan()).filter((i) => i.type === 'Voucher' && i.month === month);
const outcomes = async (month: string) => (await env.scan()).filter((i) => i.type === 'VoucherOutcome' && i.month === month);

describe('voucher generation through the queue (VCH-01, VCH-02)', () => {
  it('generates one voucher per recipient × service with the non-generation records and reasons', async () => {
    await runSchedule('2026-03-01T00:10:00+09:00');
    await drain();
    const generated = await vouchers('2026-03');
    // 40 recipients, minus the deceased and the suspended one, plus R0003's 2nd and 3rd service.
    expect(generated).toHaveLength(RECIPIENTS - 2 + 2);
    expect(generated.find((v) => v.recipientId === 'R0004')).toMatchObject({ grantedAmount: 144_000, grantedSessions: 4, remainingAmount: 144_000, remainingSessions: 4, perSessionAmount: 36_000 });
    const refused = (await outcomes('2026-03')).filter((o) => o.status === 'NOT_GENERATED').map((o) => [o.contractId, o.reason]).sort();
    expect(refused).toEqual([['C0001', 'RECIPIENT_DECEASED'], ['C0002', 'CONTRACT_SUSPENDED'], ['C3-D', 'TOO_MANY_SERVICES']]);
    expect(consumerErrors).toEqual([]);
  });

  it('re-running the job, even twice at once, creates nothing new', async () => {
    const before = await vouchers('2026-03');
    await Promise.all([runSchedule('2026-03-01T00:10:00+09:00'), runSchedule('2026-03-03T09:00:00+09:00')]);
    await drain();
    expect(await vouchers('2026-03')).toEqual(before);
  });

  it('pages through a shard with continuation messages, each page sent once', async () => {
    const send = (body: object) => sqs.send(new SendMessageCommand({ QueueUrl: env.queues.urls['voucher-generation'], MessageBody: JSON.stringify(body) }));
    const tasks = Array.from({ length: 16 }, (_, shard) => ({ version: 1, month: '2026-04', shard, decidedAt: '2026-04-01T00:10:00+09:00', pageSize: 1 }));
    await Promise.all(tasks.map(send));
    await drain();
    expect(await vouchers('2026-04')).toHaveLength(RECIPIENTS);
    const steps = (await env.scan()).filter((i) => i.type === 'JobStep');
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.state === 'SENT')).toBe(true);
  });

  it('VCH-04 the run of 1 May lapses the remainders of March (not April), once, however often it runs', async () => {
    const march = await vouchers('2026-03');
    await Promise.all([runSchedule('2026-05-01T00:10:00+09:00'), runSchedule('2026-05-01T00:10:00+09:00')]);
    await drain();
    const after = await vouchers('2026-03');
    expect(after).toHaveLength(march.length);
    for (const v of after) {
      const was = march.find((m) => m.recipientId === v.recipientId && m.serviceCode === v.serviceCode)!;
      expect(v).toMatchObject({ remainingAmount: 0, remainingSessions: 0, lapsedAmount: was.remainingAmount, lapsedSessions: was.remainingSessions, lapsedAt: expect.any(String) });
    }
    expect((await vouchers('2026-04')).every((v) => v.lapsedAt === undefined && (v.remainingAmount as number) > 0)).toBe(true);
    expect(await vouchers('2026-05')).toHaveLength(RECIPIENTS);
    expect(consumerErrors).toEqual([]);
  });

  it('a poison message ends in the dead-letter queue after maxReceiveCount receives; the queue keeps flowing', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: env.queues.urls['voucher-generation'], MessageBody: '{"version":1,"month":"nope"}' }));
    await runSchedule('2026-05-01T00:10:00+09:00');
    await drain(30_000);
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: env.queues.dlqUrls['voucher-generation'], AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(dlq.Attributes?.ApproximateNumberOfMessages).toBe('1');
    expect(await vouchers('2026-05')).toHaveLength(RECIPIENTS);
  }, 40_000);
});
