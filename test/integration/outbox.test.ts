/**
 * The payments' outbox: an approval reaches the `screening` queue even when the send fails after
 * the table write (here the relay cannot reach the queue for a while), and exactly the approvals
 * and cancellations that were written do. The screening consumer is what reads the queue, so its
 * index shows what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../../functions/shared/dynamo/client';
import { LocalStack, TABLE_NAME } from '../../infra/local/stack';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/servers';
import { queueUrlVariable } from '../../functions/shared/config';
import { importDocument } from '../support/fixtures';
import { paymentBody, terminalFetch } from '../support/terminal';

let stack: LocalStack;
let sqs: SQSClient;
const errors: string[] = [];

beforeAll(async () => {
  stack = await LocalStack.start({ port: 0, onError: (m) => errors.push(m) });
  sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

const call = async (method: string, path: string, body?: unknown, token?: string) => {
  const res = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
};

async function screeningEvents(): Promise<{ event: string; approvalNumber: string }[]> {
  const events: { event: string; approvalNumber: string }[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.urls.screening, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) return events;
    for (const m of out.Messages) {
      events.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: stack.queues.urls.screening, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

describe('payment outbox (table stream → screening)', () => {
  it('an approval written while the send fails still reaches screening once the queue is back', async () => {
    await call('POST', '/_local/clock', { now: '2026-03-10T14:05:00+09:00' });
    const agency = (await call('POST', '/_local/token', { role: 'agency' })).body.token as string;
    const doc = importDocument(2);
    expect((await call('POST', '/v1/admin/import', doc, agency)).body.rejected).toEqual([]);
    await call('POST', '/_local/schedules/voucher-generation/run');
    const t = { serial: 'VT11-000001', secret: doc.terminals[0]!.secret, phone: doc.terminals[0]!.phone, businessNumber: doc.providers[0]!.businessNumber };
    const terminal = terminalFetch(stack.url, t, () => new Date('2026-03-10T14:05:00+09:00'));

    // Kill the send: the relay's queue URL now points nowhere.
    const variable = queueUrlVariable('screening');
    const url = process.env[variable]!;
    process.env[variable] = url.replace(/screening$/, 'gone');
    const approved = await terminal('POST', '/v1/terminal/payments', paymentBody(t));
    expect(approved.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await screeningEvents()).toEqual([]);
    expect(errors).toContain('table stream consumer failed');

    // The queue is back: the stream still holds the approval and the relay delivers it.
    process.env[variable] = url;
    const cancelled = await terminal('POST', `/v1/terminal/payments/${approved.body.approvalNumber}/cancel`, { transactionId: 'C-1', businessNumber: t.businessNumber, terminalPhone: t.phone });
    expect(cancelled.status).toBe(200);
    expect((await call('POST', '/_local/drain')).body.drained).toBe(true);
    expect(await screeningEvents()).toEqual([]); // consumed, none left behind
    const db = documentClient({ region: LOCAL_REGION, endpoint: process.env.DYNAMODB_ENDPOINT });
    const items = ((await db.send(new ScanCommand({ TableName: TABLE_NAME }))).Items ?? []).filter((i) => i.type === 'ScreeningIndex');
    db.destroy();
    // Approved (screenedAt) then cancelled (status): by worker and recipient, by approval time and service start.
    expect(items).toHaveLength(4);
    for (const item of items) {
      expect(item).toMatchObject({ approvalNumber: approved.body.approvalNumber, status: 'CANCELLED', screenedAt: expect.any(String), providerId: 'P0001', recipientId: 'R0001', amount: 36_000, channel: 'TERMINAL', kind: 'NORMAL' });
    }
  }, 60_000);
});
