/**
 * The table stream's consumer (payment-events): PO-08 totals and the outbox relay on one batch.
 * Either job failing reports the record to deliver again from; neither skips a record.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../support/events';
import { queueUrlVariable } from '../../../functions/shared/config';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let handler: (typeof import('../../../functions/payment-events/handler'))['handler'];

beforeAll(async () => {
  process.env.TABLE_NAME = 'unit-table';
  process.env[queueUrlVariable('screening')] = 'http://q/screening';
  process.env[queueUrlVariable('settlement')] = 'http://q/settlement';
  ({ handler } = await import('../../../functions/payment-events/handler'));
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

const payment = { PK: 'PROVPAY#P1#2026-03', SK: 'PAY#26031000000001', type: 'Payment', approvalNumber: '26031000000001', providerId: 'P1', programCode: 'COMMUNITY', municipalityCode: '44130', amount: 36_000, status: 'APPROVED', recipientId: 'R1', workerId: 'W1', voucherMonth: '2026-03', serviceCode: '110101', approvalDate: '2026-03-10', approvedAt: '2026-03-10T14:00:00+09:00', workerPaymentId: '20000001', channel: 'TERMINAL', kind: 'NORMAL', serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', cardNumber: '9410000000000001', terminalSerial: 'VT11-000001', transactionId: 'T1', reason: null };
const voucher = (remainingAmount: number) => ({ PK: 'RCPT#R1', SK: 'VOUCHER#095685#110101', type: 'Voucher', recipientId: 'R1', municipalityCode: '44130', programCode: 'COMMUNITY', grantedAmount: 144_000, remainingAmount });
const record = (seq: string, eventName: DynamoDBRecord['eventName'], before: object | null, after: object): DynamoDBRecord => ({
  eventID: `ev${seq}`, eventName, dynamodb: { SequenceNumber: seq, ...(before ? { OldImage: marshall(before) as never } : {}), NewImage: marshall(after) as never },
});
const batch: DynamoDBStreamEvent = { Records: [record('1', 'MODIFY', voucher(144_000), voucher(108_000)), record('2', 'INSERT', null, payment), record('3', 'INSERT', null, { PK: 'TXN#x', SK: '#TXN', type: 'TerminalTransaction' })] };

describe('table stream consumer', () => {
  it('PO-08 adds the batch\'s money changes in one transaction with a marker per record, and relays the approval to both queues', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await handler(batch, lambdaContext('payment-events'))).toEqual({ batchItemFailures: [] });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.filter((i) => i.Put).map((i) => i.Put!.Item!.PK)).toEqual(['APPLIED#ev1', 'APPLIED#ev2']);
    const add = items.find((i) => i.Update)!.Update!;
    // −36,000 remaining and +36,000 approved, merged into one item of one shard
    expect(add.ExpressionAttributeValues).toMatchObject({ ':m': '44130', ':g': 'COMMUNITY' });
    expect(Object.values(add.ExpressionAttributeValues!).filter((v) => typeof v === 'number').sort()).toEqual([-36_000, 36_000]);
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.QueueUrl).sort()).toEqual(['http://q/screening', 'http://q/settlement']);
  });

  it('PO-08 totals that cannot be written ask for the whole batch again (the relay\'s consumers apply an event once)', async () => {
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    expect(await handler(batch, lambdaContext('payment-events'))).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
  });

  it('a relay that cannot send asks again from the payment it could not send', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    sqs.on(SendMessageBatchCommand).rejects(new Error('queue unavailable'));
    expect(await handler(batch, lambdaContext('payment-events'))).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });
});
