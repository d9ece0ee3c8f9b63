/**
 * The table stream's consumer, two jobs on every batch:
 * - PO-08 totals: every money item change (voucher, payment, refund, claim, bucket, payout) adds
 *   the money it moved to the maintained totals, once per stream record;
 * - outbox relay: every payment item shown as approved, cancelled or refunded becomes a versioned
 *   event on the `screening` and `settlement` queues. The event is derived from the item written
 *   in the money transaction, so a process that dies after that write loses nothing.
 * A failure is reported at the batch's first record and the event source delivers it again from
 * there (partial batch responses): totals skip what they already counted and the queues'
 * consumers apply an event once. The consumer never skips a record: an unparseable image fails loudly.
 */
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type Payment, paymentChange } from '../../domain/payments/payment';
import { applyMoneyChanges } from '../../domain/settlement/totals';
import { type PaymentEvent, paymentEventOf } from '../../events/payments';
import { moneyChangeOf } from '../shared/dynamo/stream';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { settlementStore } from '../shared/stores';

/** The event a stream record stands for, if it is a payment's approval or state change. */
function eventOf(record: DynamoDBRecord): PaymentEvent | null {
  const money = moneyChangeOf(record);
  if (money?.change.kind !== 'Payment' || !money.change.after) return null;
  const change = paymentChange(money.change.before as Payment | null, money.change.after, record.eventName === 'INSERT');
  return change ? paymentEventOf(money.change.after, change) : null;
}

const failedFrom = (record: DynamoDBRecord) => ({ batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] });

/** Sends the batch's events ten to a message call; the first record of a chunk that failed, if any. */
async function relay(records: DynamoDBRecord[]): Promise<DynamoDBRecord | null> {
  const pending = records.map((record) => ({ record, event: eventOf(record) })).filter((r) => r.event !== null);
  for (let i = 0; i < pending.length; i += 10) {
    const chunk = pending.slice(i, i + 10);
    try {
      // Screening and settlement each get every event; both apply an event once however often it comes.
      await Promise.all([sendAll('screening', chunk.map((c) => c.event)), sendAll('settlement', chunk.map((c) => c.event))]);
    } catch (error) {
      logger.error('screening events not sent; the stream will deliver them again', { error: error as Error, from: chunk[0]!.record.dynamodb?.SequenceNumber });
      return chunk[0]!.record;
    }
  }
  return null;
}

/** Adds the batch's money to the totals; false when it could not (the whole batch comes again). */
async function addTotals(records: DynamoDBRecord[]): Promise<boolean> {
  try {
    await applyMoneyChanges(records.map(moneyChangeOf).filter((c) => c !== null), settlementStore().totals);
    return true;
  } catch (error) {
    logger.error('totals not added; the stream will deliver the batch again', { error: error as Error, from: records[0]?.dynamodb?.SequenceNumber });
    return false;
  }
}

/** Both jobs side by side, so the totals never delay screening. */
export async function handler(event: DynamoDBStreamEvent, context: Context) {
  logger.addContext(context);
  if (event.Records.length === 0) return { batchItemFailures: [] };
  const [added, unsent] = await Promise.all([addTotals(event.Records), relay(event.Records)]);
  if (!added) return failedFrom(event.Records[0]!);
  return unsent ? failedFrom(unsent) : { batchItemFailures: [] };
}
