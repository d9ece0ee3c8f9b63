/**
 * `screening` queue consumer (domain.md §5): approvals are screened by SCR-01..04, cancellations
 * and refunds void what they no longer justify, and evidence events re-screen a person's unpaid
 * payments (SCR-05). Partial batch failures: one bad message is retried alone and ends in the
 * DLQ after the queue's configured receives; the rest of its batch succeeds. Every step is
 * idempotent, so a message delivered twice changes nothing the second time.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { ProgramKind } from '../../domain/registry/entities';
import { type Raised, rescreenPerson, screenApproval, type ScreeningSettings, screenWithdrawal } from '../../domain/screening/flow';
import type { ScreeningPort } from '../../domain/screening/ports';
import { type ScreenedPayment, SCREENING_RULE_IDS } from '../../domain/screening/rules';
import { loadScreeningRules, screeningMessage, type ScreeningMessage } from '../../events/screening';
import { TtlCache } from '../shared/cache';
import { systemClock } from '../shared/clock';
import { config } from '../shared/config';
import { readCatalog } from '../shared/dynamo/catalog';
import { dynamoTable } from '../shared/dynamo/client';
import { screeningStores } from '../shared/dynamo/screening-store';
import { logger, metrics } from '../shared/observability';
import { sqsConsumer } from '../shared/sqs-consumer';

const catalog = new TtlCache<Map<string, ProgramKind>>(60_000, 1);
let store: ScreeningPort | undefined;
let settings: ScreeningSettings | undefined;
let programKinds = new Map<string, ProgramKind>();

/** Read once per container; a bad configuration fails every message loudly (SCR-06). */
function screeningSettings(): ScreeningSettings {
  settings ??= { rules: loadScreeningRules(config().SCREENING_RULES), programKind: (code) => programKinds.get(code) };
  return settings;
}

function screened(message: Extract<ScreeningMessage, { approvalNumber: string }>): ScreenedPayment {
  const status = message.event === 'PAYMENT_APPROVED' ? 'APPROVED' : message.event === 'PAYMENT_CANCELLED' ? 'CANCELLED' : 'REFUNDED';
  return {
    approvalNumber: message.approvalNumber,
    providerId: message.providerId,
    programCode: message.programCode,
    serviceCode: message.serviceCode,
    recipientId: message.recipientId,
    workerId: message.workerId,
    municipalityCode: message.municipalityCode ?? null,
    channel: message.channel,
    kind: message.kind,
    amount: message.amount,
    serviceDate: message.serviceDate,
    serviceStartAt: message.serviceStartAt,
    approvedAt: message.approvedAt,
    status,
  };
}

/** Per rule and invocation: payments the rule looked at, and holds it raised. */
let perRule = new Map<string, { screened: number; held: number }>();
const tally = (ruleId: string) => perRule.get(ruleId) ?? perRule.set(ruleId, { screened: 0, held: 0 }).get(ruleId)!;

function countScreened(rules: readonly string[]): void {
  for (const r of rules) tally(r).screened++;
}

function countHolds(raised: Raised[]): void {
  for (const r of raised) if (r.outcome === 'raised') tally(r.ruleId).held++;
}

/** One EMF line per rule and invocation, with the rule as a dimension (dashboard: screened, held). */
function publishPerRule(): void {
  for (const [ruleId, n] of perRule) {
    const m = metrics.singleMetric();
    m.addDimension('ruleId', ruleId);
    m.addMetric('PaymentsScreened', MetricUnit.Count, n.screened);
    m.addMetric('HoldsRaised', MetricUnit.Count, n.held);
  }
  perRule = new Map();
}

const enabledRules = (s: ScreeningSettings, only?: readonly string[]) => SCREENING_RULE_IDS.filter((id) => s.rules[id].enabled && (!only || only.includes(id)));

async function processMessage(record: SQSRecord): Promise<void> {
  const message = screeningMessage.parse(JSON.parse(record.body));
  const s = screeningSettings();
  store ??= screeningStores(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000)).port;
  const table = dynamoTable();
  programKinds = await catalog.get('programs', async () => new Map([...(await readCatalog(table)).programs].map(([code, p]) => [code, p.kind])));
  const now = systemClock.now();
  switch (message.event) {
    case 'PAYMENT_APPROVED': {
      const raised = await screenApproval(store, screened(message), s, now);
      countScreened(enabledRules(s));
      countHolds(raised);
      metrics.addMetric('ScreeningLatency', MetricUnit.Milliseconds, Math.max(0, now.getTime() - new Date(message.approvedAt).getTime()));
      logger.info('payment screened', { approvalNumber: message.approvalNumber, holds: raised.map((r) => ({ holdId: r.holdId, ruleId: r.ruleId, outcome: r.outcome })) });
      return;
    }
    case 'PAYMENT_CANCELLED':
    case 'PAYMENT_REFUNDED': {
      const result = await screenWithdrawal(store, screened(message), s, now);
      if (result.voided.length) metrics.addMetric('HoldsVoided', MetricUnit.Count, result.voided.length);
      logger.info('payment withdrawn from screening', { approvalNumber: message.approvalNumber, event: message.event, ...result });
      return;
    }
    case 'EVIDENCE_RECORDED': {
      const raised = await rescreenPerson(store, { personKind: message.personKind, personId: message.personId }, message.since, s, now);
      countScreened(enabledRules(s, ['SCR-03', 'SCR-04']));
      countHolds(raised);
      logger.info('person re-screened', { personKind: message.personKind, personId: message.personId, since: message.since, holds: raised.filter((r) => r.outcome === 'raised').length });
      return;
    }
  }
}

export const handler = sqsConsumer('screening', processMessage, publishPerRule);
