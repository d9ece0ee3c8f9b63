/**
 * `settlement` queue consumer: each approval, same-day cancellation and refund becomes a fact on
 * its day bucket (domain.md §6, PO-02, PAY-11), applied exactly once through a fact marker in the
 * same transaction; a batch's facts go in one transaction when none was applied before. Partial
 * batch failures; a failed message ends in the DLQ after the configured receives.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { factOfPayment, type LedgerFact } from '../../domain/settlement/ledger';
import { kstDate } from '../../domain/shared/calendar';
import { paymentEvent } from '../../events/payments';
import { logger, metrics } from '../shared/observability';
import { sqsConsumer } from '../shared/sqs-consumer';
import { settlementStore } from '../shared/stores';

function factOf(record: SQSRecord): LedgerFact | null {
  const event = paymentEvent.parse(JSON.parse(record.body));
  const fact = factOfPayment({ ...event, approvalDate: kstDate(new Date(event.approvedAt)) });
  if (!fact) logger.warn('payment event without a municipality: nothing to settle', { approvalNumber: event.approvalNumber, event: event.event });
  return fact;
}

const countApplied = (outcomes: readonly ('applied' | 'duplicate')[]) => {
  const applied = outcomes.filter((o) => o === 'applied').length;
  if (applied) metrics.addMetric('LedgerFactsApplied', MetricUnit.Count, applied);
};

async function processRecord(record: SQSRecord): Promise<void> {
  const fact = factOf(record);
  if (fact) countApplied([await settlementStore().ledger.apply(fact)]);
}

/** A batch's facts in one write (one change per day bucket), each fact still applied once. */
async function processBatch(records: SQSRecord[]): Promise<void> {
  const facts = records.flatMap((r) => factOf(r) ?? []);
  if (facts.length) countApplied(await settlementStore().ledger.applyAll(facts));
}

export const handler = sqsConsumer('settlement', processRecord, { processBatch });
