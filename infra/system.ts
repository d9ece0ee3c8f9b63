/**
 * The system in one place: table, functions, routes, queues and schedules. The CDK stack
 * deploys exactly this, and the local stack runs exactly this, so they cannot drift apart.
 */
import type { ScheduleName } from '../events/schedule';
import { routes as adminImportRoutes } from '../functions/admin-import/routes';
import { routes as claimsApiRoutes } from '../functions/claims-api/routes';
import { routes as cmsApiRoutes } from '../functions/cms-api/routes';
import { routes as feedsApiRoutes } from '../functions/feeds-api/routes';
import { routes as holdsApiRoutes } from '../functions/holds-api/routes';
import { routes as paymentIntakeRoutes } from '../functions/payment-intake/routes';
import { routes as paymentsApiRoutes } from '../functions/payments-api/routes';
import { routes as payoutsApiRoutes } from '../functions/payouts-api/routes';
import { routes as peopleApiRoutes } from '../functions/people-api/routes';
import { routes as refundsApiRoutes } from '../functions/refunds-api/routes';
import { routes as registryApiRoutes } from '../functions/registry-api/routes';
import { routes as reportsApiRoutes } from '../functions/reports-api/routes';
import { MONEY_ITEM_TYPES } from '../functions/shared/dynamo/stream';
import type { HttpRoute, RouteTable } from '../functions/shared/routes';
import { routes as opsApiRoutes } from '../functions/ops-api/routes';
import type { AlarmSpec } from '../domain/operations/alarms';
import type { PanelSpec } from '../domain/operations/dashboard';
import { SCREENING_RULE_IDS } from '../domain/screening/rules';
import { routes as vouchersApiRoutes } from '../functions/vouchers-api/routes';

export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: [
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;

export type QueueName = 'voucher-generation' | 'screening' | 'settlement' | 'payouts' | 'cms-outbound' | 'payment-events-failed';

export interface FunctionSpec {
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Queues this function sends to (it gets their URLs and send permission). */
  sends?: QueueName[];
  /** Whether it reads personal-data keys (REG-07). */
  personalData?: boolean;
  /** Objects of the file bucket it reads and writes, by key prefix. */
  files?: string;
  /** Whether it applies the screening rules' configuration (SCR-06). */
  screeningRules?: boolean;
  /** Whether it talks to the CMS relay (its URL and the agency's CMS account come from the stack). */
  cmsRelay?: boolean;
  /** Operations (api.md): every queue's and dead-letter queue's URL, reading their depths, moving dead letters back, reading the alarms. */
  operates?: boolean;
}

export const FUNCTIONS = {
  'admin-import': {
    description: 'POST /v1/admin/import: registry bulk load',
    memoryMb: 1024,
    timeoutSeconds: 29,
    personalData: true,
  },
  'vouchers-api': {
    description: 'GET /v1/vouchers: a month\'s vouchers and non-generation records (VCH-03)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'payment-intake': {
    description: 'Terminal API: payments, offline batches, same-day cancels, balance (PAY-01..10, PAY-12)',
    memoryMb: 1024,
    timeoutSeconds: 29,
    personalData: true,
  },
  'payment-events': {
    description: 'Table stream: money item changes added to the PO-08 totals once; payment items relayed as screening and settlement events',
    memoryMb: 256,
    timeoutSeconds: 60,
    sends: ['screening', 'settlement'],
  },
  'settlement-ledger': {
    description: 'settlement queue: approvals, cancellations and refunds become day-bucket totals, once each (PO-02, PAY-11)',
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  'refunds-api': {
    description: 'PAY-11 refunds: request (provider), approve or reject (agency), list',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'payments-api': {
    description: 'GET /v1/payments, /v1/payments/daily: usage history and daily totals (PAY-13)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'registry-api': {
    description: 'Registry self-service (REG-01, REG-03, REG-05, REG-08, CMS-04): terminals, transfers and re-keys, cards, provider records, payout accounts, change history',
    memoryMb: 512,
    timeoutSeconds: 10,
    personalData: true,
  },
  'people-api': {
    description: 'GET /v1/recipients/{id}, /v1/workers/{id}: a person\'s record, RRN masked, every read logged (REG-07)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'fraud-screening': {
    description: 'screening queue: SCR-01..04 on approvals, voids on cancellations, SCR-05 re-screens',
    memoryMb: 512,
    timeoutSeconds: 30,
    screeningRules: true,
  },
  'holds-api': {
    description: 'Holds and their review (§5, HOLD-01..03): lists, provider actions, evidence uploads, agency review, manual holds',
    memoryMb: 512,
    timeoutSeconds: 10,
    files: 'holds/*',
  },
  'feeds-api': {
    description: 'POST /v1/feeds/deaths, /v1/feeds/immigration: evidence by keyed RRN hash, re-screen (SCR-03..05)',
    memoryMb: 512,
    timeoutSeconds: 29,
    personalData: true,
    sends: ['screening'],
  },
  'payout-batch': {
    description: 'payout-batch and adhoc-payout schedules: the runs due today, fanned out per provider shard (PO-01, PO-05)',
    memoryMb: 256,
    timeoutSeconds: 60,
    sends: ['payouts'],
  },
  'payout-shard': {
    description: 'Pays one provider shard of one run from day buckets and deposits (PO-02..04); queues CMS transfer instructions',
    memoryMb: 512,
    timeoutSeconds: 300,
    sends: ['cms-outbound'],
  },
  'payouts-api': {
    description: 'POST /v1/deposits (PO-03), GET /v1/payouts, /v1/payouts/{id}, statement.csv, /v1/delays (PO-07), /v1/forecasts (PO-06)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'claims-api': {
    description: 'Exception claims (EXC-01/02): file with an amount preview, approve or reject, list',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'cms-file-builder': {
    description: 'cms-outbound: each transfer joins the open CMS file of its transfer date, once (CMS-01)',
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  'cms-transmit': {
    description: 'cms-transmit schedule: creates files one business day before, sends them before the cut-off, never twice (CMS-02/05)',
    memoryMb: 512,
    timeoutSeconds: 120,
    files: 'cms/*',
    cmsRelay: true,
  },
  'cms-receive': {
    description: 'cms-receive schedule: fetches results from 03:00 the business day after, checks them against what was sent, marks payouts PAID/FAILED (CMS-03/04)',
    memoryMb: 512,
    timeoutSeconds: 120,
    files: 'cms/*',
    cmsRelay: true,
  },
  'session-expiry': {
    description: 'session-expiry schedule: open time sessions past their maximum length expire unpaid (TIME-03)',
    memoryMb: 256,
    timeoutSeconds: 60,
  },
  'cms-api': {
    description: 'GET /v1/cms/files, /v1/cms/files/{id}, /v1/cms/files/{id}/content',
    memoryMb: 512,
    timeoutSeconds: 10,
    files: 'cms/*',
  },
  'reports-api': {
    description: 'GET /v1/reports/conservation (PO-08 on the maintained totals), /v1/settlements (PO-07 monthly, JSON or CSV), /v1/deposits (PO-03 entries), /v1/reports/lapsed (VCH-04)',
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  'ops-api': {
    description: 'Operations (role ops or agency, no personal data): queues and dead-letter depths, dead letters masked, redrive, alarms',
    memoryMb: 512,
    timeoutSeconds: 29,
    operates: true,
  },
  'voucher-generation': {
    description: 'voucher-generation schedule: fans the month out to recipient shards (VCH-01)',
    memoryMb: 256,
    timeoutSeconds: 60,
    sends: ['voucher-generation'],
  },
  'voucher-shard': {
    description: 'Generates one page of one recipient shard\'s vouchers (VCH-01, VCH-02, REG-06)',
    memoryMb: 512,
    timeoutSeconds: 300,
    sends: ['voucher-generation'],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/** Every function lives in the folder of its name; the module exports `handler`. */
export const entryOf = (name: string) => `functions/${name}/handler.ts`;

export interface RouteSpec extends HttpRoute {
  function: FunctionName;
}

/** Each HTTP function's own route table (`functions/<name>/routes.ts`), which its handler dispatches on. */
export const FUNCTION_ROUTES: Partial<Record<FunctionName, RouteTable>> = {
  'payment-intake': paymentIntakeRoutes,
  'admin-import': adminImportRoutes,
  'vouchers-api': vouchersApiRoutes,
  'payments-api': paymentsApiRoutes,
  'refunds-api': refundsApiRoutes,
  'holds-api': holdsApiRoutes,
  'feeds-api': feedsApiRoutes,
  'payouts-api': payoutsApiRoutes,
  'reports-api': reportsApiRoutes,
  'cms-api': cmsApiRoutes,
  'claims-api': claimsApiRoutes,
  'people-api': peopleApiRoutes,
  'registry-api': registryApiRoutes,
  'ops-api': opsApiRoutes,
};

/** The API's route table, derived from the functions' own: a route exists once. */
export const ROUTES: RouteSpec[] = Object.entries(FUNCTION_ROUTES).flatMap(([fn, routes]) =>
  Object.values(routes!).map((route) => ({ ...route, function: fn as FunctionName })),
);

export interface QueueSpec {
  /** Receives before a message moves to the queue's DLQ. */
  maxReceiveCount: number;
  /** At least six times the consumer's timeout, as AWS advises; the same locally. */
  visibilityTimeoutSeconds: number;
  consumer?: { function: FunctionName; batchSize: number; maxConcurrency: number };
  /** Alarm when the oldest message is older than this: the step is falling behind. */
  maxAgeSeconds?: number;
}

/** A queue a function consumes: five receives before the DLQ, visibility six times the consumer's timeout. */
function consumedBy(fn: FunctionName, batchSize: number, maxConcurrency: number, maxAgeSeconds?: number): QueueSpec {
  return {
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 6 * FUNCTIONS[fn].timeoutSeconds,
    consumer: { function: fn, batchSize, maxConcurrency },
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
  };
}

export const QUEUES: Record<QueueName, QueueSpec> = {
  'voucher-generation': consumedBy('voucher-shard', 1, 16),
  /** Payments are screened within seconds (§5); an age of a minute means screening is behind. */
  screening: consumedBy('fraud-screening', 10, 20, 60),
  /** Running totals for payouts; a lag here only delays money to the next run, it never loses it. */
  settlement: consumedBy('settlement-ledger', 10, 10, 300),
  payouts: consumedBy('payout-shard', 1, 16),
  'cms-outbound': consumedBy('cms-file-builder', 10, 5),
  /** Stream records the outbox relay could not deliver after its retries (an operator redrives them). */
  'payment-events-failed': { maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
};

/**
 * The alarms of the operations dashboard, one list: the CDK stack creates each (named
 * `<stack>-<name>`, each notifying the stack's SNS topic), the local stack evaluates the same from
 * the queues and the EMF metrics the handlers write, and docs/operations.md says what to do.
 */
/** The prefix of the stack's alarm names (the ops function reads its alarms by it). */
export const ALARM_NAME_PREFIX = (stackName: string) => `${stackName}-`;

export const ALARMS: AlarmSpec[] = [
  ...(Object.keys(QUEUES) as QueueName[]).map((queue): AlarmSpec => ({ name: `${queue}-dlq-depth`, kind: 'dlq-depth', queue, description: `Messages in the ${queue} dead-letter queue: a step failed ${QUEUES[queue].maxReceiveCount} times and needs an operator` })),
  ...(Object.keys(QUEUES) as QueueName[]).flatMap((queue): AlarmSpec[] => {
    const maxAgeSeconds = QUEUES[queue].maxAgeSeconds;
    return maxAgeSeconds ? [{ name: `${queue}-age`, kind: 'queue-age', queue, maxAgeSeconds, description: `The oldest message in ${queue} is older than ${maxAgeSeconds} s: its consumer is falling behind` }] : [];
  }),
  { name: 'CmsResultsFlagged', kind: 'metric', metricName: 'CmsResultsFlagged', service: 'cms-receive', periodMinutes: 5, description: 'A CMS result file does not match what was sent: nothing was applied; an operator must look at it' },
  { name: 'CmsTransfersFailed', kind: 'metric', metricName: 'CmsTransfersFailed', service: 'cms-receive', periodMinutes: 5, description: 'Banks refused transfers (closed account, holder mismatch …): the amounts wait for corrected accounts' },
  { name: 'CmsTransmitFailures', kind: 'metric', metricName: 'CmsTransmitFailures', service: 'cms-transmit', periodMinutes: 5, description: 'A CMS file could not be transmitted; it is retried until the cut-off' },
  { name: 'CmsCutoffMissed', kind: 'metric', metricName: 'CmsCutoffMissed', service: 'cms-transmit', periodMinutes: 5, description: 'A CMS file missed its 17:00 cut-off (CMS-05): its transfers and their payouts moved to the next business day; find why the file was not sent' },
  { name: 'ConservationUnbalanced', kind: 'metric', metricName: 'ConservationUnbalanced', service: 'reports-api', periodMinutes: 60, description: 'The PO-08 conservation report does not balance: money was created or lost somewhere; stop payout runs and find the difference' },
];

/**
 * The graphs of the operations dashboard drawn from the handlers' EMF metrics, one list: the CDK
 * dashboard (infra/constructs/observability.ts) draws them from CloudWatch, the local ops console
 * (`/ops`) from the same metrics as the local stack receives them.
 */
const percentiles = (metric: string, service: string): PanelSpec['series'] => (['p50', 'p99'] as const).map((stat) => ({ metric, service, stat, label: stat }));

export const DASHBOARD_PANELS: PanelSpec[] = [
  {
    id: 'payments',
    title: 'Payments per minute: approved, and refused by code',
    series: [
      { metric: 'PaymentSucceeded', service: 'payment-intake', stat: 'Sum', label: 'approved' },
      { metric: 'PaymentRefused', service: 'payment-intake', stat: 'Sum', label: 'refused', by: { dimension: 'code' } },
    ],
  },
  {
    id: 'intake-latency',
    title: 'Intake latency (ms)',
    series: percentiles('PaymentLatency', 'payment-intake'),
  },
  {
    id: 'screening',
    title: 'Screening: payments screened (left) and holds raised (right) per rule',
    series: [
      { metric: 'PaymentsScreened', service: 'fraud-screening', stat: 'Sum', label: 'screened', by: { dimension: 'ruleId', values: SCREENING_RULE_IDS } },
      { metric: 'HoldsRaised', service: 'fraud-screening', stat: 'Sum', label: 'held', by: { dimension: 'ruleId', values: SCREENING_RULE_IDS }, axis: 'right' },
    ],
  },
  {
    id: 'screening-lag',
    title: 'Screening lag, approval to screened (ms)',
    series: percentiles('ScreeningLatency', 'fraud-screening'),
  },
  {
    id: 'payouts',
    title: 'Payout runs: made, delayed, netted',
    series: [
      { metric: 'PayoutsMade', service: 'payout-shard', stat: 'Sum', label: 'made' },
      { metric: 'PayoutsDelayed', service: 'payout-shard', stat: 'Sum', label: 'delayed' },
      { metric: 'PayoutsNetted', service: 'payout-shard', stat: 'Sum', label: 'netted' },
    ],
  },
  {
    id: 'cms',
    title: 'CMS files: transmitted, failed sends, missed cut-offs, flagged results, refused transfers',
    series: [
      { metric: 'CmsFilesTransmitted', service: 'cms-transmit', stat: 'Sum', label: 'transmitted' },
      { metric: 'CmsTransmitFailures', service: 'cms-transmit', stat: 'Sum', label: 'send failed' },
      { metric: 'CmsCutoffMissed', service: 'cms-transmit', stat: 'Sum', label: 'cut-off missed' },
      { metric: 'CmsResultsFlagged', service: 'cms-receive', stat: 'Sum', label: 'result flagged' },
      { metric: 'CmsTransfersFailed', service: 'cms-receive', stat: 'Sum', label: 'transfers refused' },
    ],
  },
];

/**
 * The table's stream is the payments' outbox: an approval or a cancellation is written in the
 * same transaction as the money, and the relay turns it into a queue message after the fact.
 */
export const TABLE_STREAM_CONSUMER = {
  function: 'payment-events' as FunctionName,
  batchSize: 100,
  /**
   * Lambda event filters (OR'ed): the consumer gets the changes of money items only (PO-08 totals
   * of every one, the outbox of payments), never the index entries, holds and markers written
   * beside them. The local stream poller applies the same patterns.
   */
  filters: [
    { dynamodb: { NewImage: { type: { S: [...MONEY_ITEM_TYPES] } } } },
    { eventName: ['REMOVE'], dynamodb: { OldImage: { type: { S: [...MONEY_ITEM_TYPES] } } } },
  ] as Record<string, unknown>[],
  /** Retries of a failing batch before its records go to the stream's failure queue. */
  retryAttempts: 10,
};

/** EventBridge Scheduler cron fields, evaluated in Asia/Seoul. */
export interface CronSpec {
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekDay?: string;
}

export interface ScheduleSpec {
  cron: CronSpec;
  function: FunctionName;
  description: string;
}

export const SCHEDULE_TIMEZONE = 'Asia/Seoul';

export const SCHEDULES: Partial<Record<ScheduleName, ScheduleSpec>> = {
  'voucher-generation': {
    cron: { minute: '10', hour: '0', day: '1', month: '*' },
    function: 'voucher-generation',
    description: 'VCH-01: the month\'s vouchers, 1st of each month 00:10 KST',
  },
  'payout-batch': {
    cron: { minute: '0', hour: '1', day: '*', month: '*' },
    function: 'payout-batch',
    description: 'PO-01/02: regular cycle payouts, run from 01:00 KST on the day after each cycle closes, every day (a missed run is made by the next)',
  },
  'cms-transmit': {
    cron: { minute: '*/5', hour: '*', day: '*', month: '*' },
    function: 'cms-transmit',
    description: 'CMS-02/05: create due files and transmit created ones, every 5 minutes',
  },
  'cms-receive': {
    cron: { minute: '*/10', hour: '*', day: '*', month: '*' },
    function: 'cms-receive',
    description: 'CMS-03: fetch and apply result files, every 10 minutes',
  },
  'session-expiry': {
    cron: { minute: '*/15', hour: '*', day: '*', month: '*' },
    function: 'session-expiry',
    description: 'TIME-03: open time sessions past their maximum length expire unpaid, every 15 minutes',
  },
  'adhoc-payout': {
    cron: { minute: '0', hour: '7', day: '?', month: '*', weekDay: 'MON-FRI' },
    function: 'payout-batch',
    description: 'PO-05: delayed amounts and released holds, paid the next business day (07:00 KST, business days)',
  },
};
