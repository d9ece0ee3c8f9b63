/**
 * Regression found by the simulation (seed 1, `npm run simulate -- --seed 1 --days 15 --scale 0.1
 * --faults dynamodb.refused=0.02`): two approvals were never screened, so PO-02 never let a run pay
 * them (their day buckets kept `unscreened`), and no message was left in the dead-letter queue.
 * Every consumer shared one Powertools BatchProcessor across invocations; when two invocations
 * overlapped (the local stack's pollers run a queue's consumer four at a time in one process), one
 * answered with the other's records and a failed message was deleted as done. Each invocation
 * now reports exactly its own failures.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sqsConsumer } from '../../functions/shared/sqs-consumer';
import { lambdaContext, sqsEvent } from '../support/events';

const withIds = (bodies: { id: string; failAfterMs?: number; doneAfterMs?: number }[]) => {
  const event = sqsEvent(bodies);
  event.Records.forEach((r, i) => (r.messageId = bodies[i]!.id));
  return event;
};

describe('a consumer invoked twice at once', () => {
  it('PO-02 seed 1: each invocation reports its own failed message, and only it', async () => {
    const handler = sqsConsumer('test', async (record: SQSRecord) => {
      const body = JSON.parse(record.body) as { failAfterMs?: number; doneAfterMs?: number };
      await new Promise((r) => setTimeout(r, body.failAfterMs ?? body.doneAfterMs ?? 0));
      if (body.failAfterMs !== undefined) throw new Error('refused');
    });
    const context = lambdaContext() as Context;
    const [first, second] = await Promise.all([
      handler(withIds([{ id: 'a1', failAfterMs: 30 }, { id: 'a2', doneAfterMs: 5 }]), context),
      handler(withIds([{ id: 'b1', doneAfterMs: 10 }, { id: 'b2', doneAfterMs: 50 }]), context),
    ]);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'a1' }] });
    expect(second).toEqual({ batchItemFailures: [] });
  });
});
