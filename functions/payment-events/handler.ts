/**
 * Outbox relay: every payment item the table's stream shows as approved, cancelled or refunded
 * becomes a versioned event on the `screening` and `settlement` queues. The event is derived from the item written
 * in the money transaction, so a process that dies after that write loses nothing: the stream
 * still holds the record and the relay retries until it is sent (partial batch responses).
 * The relay must never skip a record: an unparseable payment image fails loudly, not silently.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type Payment, paymentChange } from '../../domain/payments/payment';
import { type PaymentEvent, paymentEventOf } from '../../events/payments';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';

/** The event a stream record stands for, if it is a payment's approval or state change. */
function eventOf(record: DynamoDBRecord): PaymentEvent | null {
  const image = record.dynamodb?.NewImage;
  if (!image || image.type?.S !== 'Payment') return null;
  const now = unmarshall(image as never) as Payment;
  const before = record.dynamodb?.OldImage ? (unmarshall(record.dynamodb.OldImage as never) as Payment) : null;
  const change = paymentChange(before, now, record.eventName === 'INSERT');
  return change ? paymentEventOf(now, change) : null;
}

/**
 * Sends the batch's events ten to a message call; a record whose send failed is reported by its
 * sequence number, and the event source retries from there (records after it come again too:
 * screening is idempotent per payment and event).
 */
export async function handler(event: DynamoDBStreamEvent, context: Context) {
  logger.addContext(context);
  const pending = event.Records.map((record) => ({ record, event: eventOf(record) })).filter((r) => r.event !== null);
  for (let i = 0; i < pending.length; i += 10) {
    const chunk = pending.slice(i, i + 10);
    try {
      const events = chunk.map((c) => c.event);
      // Screening and settlement each get every event; both apply an event once however often it comes.
      await Promise.all([sendAll('screening', events), sendAll('settlement', events)]);
    } catch (error) {
      logger.error('screening events not sent; the stream will deliver them again', { error: error as Error, from: chunk[0]!.record.dynamodb?.SequenceNumber });
      return { batchItemFailures: [{ itemIdentifier: chunk[0]!.record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
}
