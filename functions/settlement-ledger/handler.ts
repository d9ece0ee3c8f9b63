/**
 * `settlement` queue consumer: each approval, same-day cancellation and refund becomes a fact on
 * its day bucket (domain.md §6, PO-02, PAY-11), applied exactly once through a fact marker in the
 * same transaction. Partial batch failures; a failed message ends in the DLQ after the
 * configured receives.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { factOfPayment } from '../../domain/settlement/ledger';
import { kstDate } from '../../domain/shared/calendar';
import { paymentEvent } from '../../events/payments';
import { logger, metrics } from '../shared/observability';
import { sqsConsumer } from '../shared/sqs-consumer';
import { settlementStore } from '../shared/stores';

async function processRecord(record: SQSRecord): Promise<void> {
  const event = paymentEvent.parse(JSON.parse(record.body));
  const fact = factOfPayment({ ...event, approvalDate: kstDate(new Date(event.approvedAt)) });
  if (!fact) {
    logger.warn('payment event without a municipality: nothing to settle', { approvalNumber: event.approvalNumber, event: event.event });
    return;
  }
  const outcome = await settlementStore().ledger.apply(fact);
  if (outcome === 'applied') metrics.addMetric('LedgerFactsApplied', MetricUnit.Count, 1);
}

export const handler = sqsConsumer('settlement', processRecord);
