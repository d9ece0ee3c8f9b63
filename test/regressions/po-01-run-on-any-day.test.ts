/**
 * Regression (money always right, point 1): the payout-batch handler made no run on a day that is
 * not a business day, so a cycle closing before a weekend waited; PO-01 runs it from 01:00 on the
 * day after it closes, whatever the weekday. The ad-hoc run stays a business-day run.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queueUrlVariable } from '../../functions/shared/config';

const sqs = mockClient(SQSClient);
let handler: (typeof import('../../functions/payout-batch/handler'))['handler'];

beforeAll(async () => {
  process.env.TABLE_NAME = 'unit-table';
  process.env[queueUrlVariable('payouts')] = 'http://q/payouts';
  ({ handler } = await import('../../functions/payout-batch/handler'));
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('PO-01 the cycle run on a Saturday', () => {
  it('PO-01 Saturday 11 April 2026, 01:00 KST: cycle 2026-04-1 is fanned out to every provider shard', async () => {
    expect(await handler({ version: 1, schedule: 'payout-batch', scheduledTime: '2026-04-10T16:00:00.000Z' })).toEqual({ today: '2026-04-11', runs: ['2026-04-1'] });
    const tasks = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
    expect(tasks).toHaveLength(16);
    expect(tasks[0].run).toMatchObject({ runId: '2026-04-1', payDate: '2026-04-15' });
  });

  it('PO-05 no ad-hoc run on a Saturday', async () => {
    expect(await handler({ version: 1, schedule: 'adhoc-payout', scheduledTime: '2026-04-10T22:00:00.000Z' })).toEqual({ today: '2026-04-11', runs: [] });
  });
});
