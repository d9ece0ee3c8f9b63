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
import { applyMoneyChanges, type MoneyChange } from '../../domain/settlement/totals';
import { type PaymentEvent, paymentEventOf } from '../../events/payments';
import { moneyChangeOf } from '../shared/dynamo/stream';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { settlementStore } from '../shared/stores';

/** The event a money item change stands for, if it is a payment's approval or state change. */
function eventOf(record: DynamoDBRecord, money: MoneyChange | null): PaymentEvent | null {
  if (money?.change.kind !== 'Payment' || !money.change.after) return null;
  const change = paymentChange(money.change.before as Payment | null, money.change.after, record.eventName === 'INSERT');
  return change ? paymentEventOf(money.change.after, change) : null;
}

const failedFrom = (record: DynamoDBRecord) => ({ batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] });

/** Sends the batch's events ten to a message call; the first record of a chunk that failed, if any. */
async function relay(pending: { record: DynamoDBRecord; event: PaymentEvent }[]): Promise<DynamoDBRecord | null> {
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
async function addTotals(changes: MoneyChange[], from: string | undefined): Promise<boolean> {
  try {
    await applyMoneyChanges(changes, settlementStore().totals);
    return true;
  } catch (error) {
    logger.error('totals not added; the stream will deliver the batch again', { error: error as Error, from });
    return false;
  }
}

/** Both jobs side by side, so the totals never delay screening; each image is read once. */
export async function handler(event: DynamoDBStreamEvent, context: Context) {
  logger.addContext(context);
  if (event.Records.length === 0) return { batchItemFailures: [] };
  const read = event.Records.map((record) => ({ record, money: moneyChangeOf(record) }));
  const events = read.map(({ record, money }) => ({ record, event: eventOf(record, money) })).filter((r): r is { record: DynamoDBRecord; event: PaymentEvent } => r.event !== null);
  const [added, unsent] = await Promise.all([addTotals(read.flatMap((r) => (r.money ? [r.money] : [])), event.Records[0]!.dynamodb?.SequenceNumber), relay(events)]);
  if (!added) return failedFrom(event.Records[0]!);
  return unsent ? failedFrom(unsent) : { batchItemFailures: [] };
}
