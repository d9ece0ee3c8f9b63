/**
 * Outbox relay: every payment item the table's stream shows as approved, cancelled or refunded
 * becomes a versioned event on the `screening` queue. The event is derived from the item written
 * in the money transaction, so a process that dies after that write loses nothing: the stream
 * still holds the record and the relay retries until it is sent (partial batch responses).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Payment } from '../../domain/payments';
import { paymentEvent, type PaymentEvent } from '../../events/payments';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** The event a stream record stands for, if it is a payment's approval or state change. */
export function eventOf(record: DynamoDBRecord): PaymentEvent | null {
  const image = record.dynamodb?.NewImage;
  if (!image || image.type?.S !== 'Payment') return null;
  const now = unmarshall(image as never) as Payment;
  const before = record.dynamodb?.OldImage ? (unmarshall(record.dynamodb.OldImage as never) as Payment) : null;
  let event: PaymentEvent['event'];
  if (record.eventName === 'INSERT' && now.status === 'APPROVED') event = 'PAYMENT_APPROVED';
  else if (before && before.status !== now.status && now.status === 'CANCELLED') event = 'PAYMENT_CANCELLED';
  else if (before && before.status !== now.status && now.status === 'REFUNDED') event = 'PAYMENT_REFUNDED';
  else return null;
  return paymentEvent.parse({
    version: 1,
    event,
    approvalNumber: now.approvalNumber,
    providerId: now.providerId,
    programCode: now.programCode,
    serviceCode: now.serviceCode,
    recipientId: now.recipientId,
    workerId: now.workerId,
    workerPaymentId: now.workerPaymentId,
    channel: now.channel,
    kind: now.kind,
    amount: now.amount,
    serviceDate: now.serviceDate,
    serviceStartAt: now.serviceStartAt,
    approvedAt: now.approvedAt,
    occurredAt: event === 'PAYMENT_CANCELLED' ? now.cancelledAt! : now.approvedAt,
  });
}

async function relay(record: DynamoDBRecord): Promise<void> {
  const event = eventOf(record);
  if (event) await sendAll('screening', [event]);
}

export async function handler(event: DynamoDBStreamEvent, context: Context) {
  logger.addContext(context);
  return processPartialResponse(event, relay, processor, { context });
}
