/**
 * `screening` queue consumer (domain.md §5): approvals are screened by SCR-01..04, cancellations
 * and refunds void what they no longer justify, and evidence events re-screen a person's unpaid
 * payments (SCR-05). The flow is domain/screening/flow.ts; every step is idempotent, so a message
 * delivered twice changes nothing the second time; one bad message is retried alone (DLQ after
 * the queue's receives).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { ProgramKind } from '../../domain/registry/entities';
import { rescreenPerson, screenApproval, type ScreeningSettings, screenWithdrawal } from '../../domain/screening/flow';
import { loadScreeningRules, screenedPaymentOf, screeningMessage } from '../../events/screening';
import { TtlCache } from '../shared/cache';
import { systemClock } from '../shared/clock';
import { config } from '../shared/config';
import { readCatalog } from '../shared/dynamo/catalog';
import { dynamoTable } from '../shared/dynamo/client';
import { logger, metrics } from '../shared/observability';
import { sqsConsumer } from '../shared/sqs-consumer';
import { screeningStore } from '../shared/stores';
import { countHolds, countScreened, publishPerRule } from './metrics';

const catalog = new TtlCache<Map<string, ProgramKind>>(60_000, 1);
let programKinds = new Map<string, ProgramKind>();
let settings: ScreeningSettings | undefined;

async function processMessage(record: SQSRecord): Promise<void> {
  const message = screeningMessage.parse(JSON.parse(record.body));
  // Read once per container; a bad configuration fails every message loudly (SCR-06).
  const s = (settings ??= { rules: loadScreeningRules(config().SCREENING_RULES), programKind: (code) => programKinds.get(code) });
  const store = screeningStore().port;
  programKinds = await catalog.get('programs', async () => new Map([...(await readCatalog(dynamoTable())).programs].map(([code, p]) => [code, p.kind])));
  const now = systemClock.now();
  if (message.event === 'EVIDENCE_RECORDED') {
    const raised = await rescreenPerson(store, { personKind: message.personKind, personId: message.personId }, message.since, s, now);
    countScreened(s, ['SCR-03', 'SCR-04']);
    countHolds(raised);
    logger.info('person re-screened', { personKind: message.personKind, personId: message.personId, since: message.since, holds: raised.filter((r) => r.outcome === 'raised').length });
  } else if (message.event === 'PAYMENT_APPROVED') {
    const raised = await screenApproval(store, screenedPaymentOf(message), s, now);
    countScreened(s);
    countHolds(raised);
    metrics.addMetric('ScreeningLatency', MetricUnit.Milliseconds, Math.max(0, now.getTime() - new Date(message.approvedAt).getTime()));
    logger.info('payment screened', { approvalNumber: message.approvalNumber, holds: raised.map((r) => ({ holdId: r.holdId, ruleId: r.ruleId, outcome: r.outcome })) });
  } else {
    const result = await screenWithdrawal(store, screenedPaymentOf(message), s, now);
    if (result.voided.length) metrics.addMetric('HoldsVoided', MetricUnit.Count, result.voided.length);
    logger.info('payment withdrawn from screening', { approvalNumber: message.approvalNumber, event: message.event, ...result });
  }
}

export const handler = sqsConsumer('screening', processMessage, { afterBatch: publishPerRule });
