/**
 * A consumer that takes its batch in one go (the settlement ledger: one transaction for a batch's
 * facts) still fails a bad message alone: when the whole batch fails, each message is tried by
 * itself and only the one that fails is reported.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sqsConsumer } from '../../../functions/shared/sqs-consumer';
import { lambdaContext, sqsEvent } from '../../support/events';

const event = (ids: string[]) => {
  const e = sqsEvent(ids.map((id) => ({ id })));
  e.Records.forEach((r, i) => (r.messageId = ids[i]!));
  return e;
};
const idOf = (r: SQSRecord) => (JSON.parse(r.body) as { id: string }).id;

describe('a consumer with a batch path', () => {
  it('a batch that succeeds as a whole is done: no message is processed alone', async () => {
    const alone: string[] = [];
    const batches: string[][] = [];
    const handler = sqsConsumer('test', async (r) => void alone.push(idOf(r)), { processBatch: async (rs) => void batches.push(rs.map(idOf)) });
    expect(await handler(event(['a', 'b', 'c']), lambdaContext() as Context)).toEqual({ batchItemFailures: [] });
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(alone).toEqual([]);
  });

  it('a batch that fails is processed message by message, and only the bad message is reported', async () => {
    const alone: string[] = [];
    const handler = sqsConsumer('test', async (r) => {
      if (idOf(r) === 'bad') throw new Error('unparseable');
      alone.push(idOf(r));
    }, { processBatch: async () => { throw new Error('unparseable'); } });
    expect(await handler(event(['a', 'bad', 'c']), lambdaContext() as Context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(alone.sort()).toEqual(['a', 'c']);
  });

  it('a batch of one goes straight to the message path', async () => {
    let batches = 0;
    const handler = sqsConsumer('test', async () => undefined, { processBatch: async () => void batches++ });
    await handler(event(['a']), lambdaContext() as Context);
    expect(batches).toBe(0);
  });
});
