/**
 * The system in one place: table, functions, routes, queues and schedules. The CDK stack
 * deploys exactly this, and the local stack runs exactly this, so they cannot drift apart.
 */
import type { ScheduleName } from '../events/schedule';

export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: [
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;

export type QueueName = 'voucher-generation' | 'screening' | 'cms-outbound' | 'reconciliation' | 'payment-events-failed';

export interface FunctionSpec {
  /** Source file under the repo root; the module exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Queues this function sends to (it gets their URLs and send permission). */
  sends?: QueueName[];
  /** Whether it reads personal-data keys (REG-07). */
  personalData?: boolean;
}

export const FUNCTIONS = {
  'admin-import': {
    entry: 'functions/admin-import/handler.ts',
    description: 'POST /v1/admin/import: registry bulk load',
    memoryMb: 1024,
    timeoutSeconds: 29,
    personalData: true,
  },
  'vouchers-api': {
    entry: 'functions/vouchers-api/handler.ts',
    description: 'GET /v1/vouchers: a month\'s vouchers and non-generation records (VCH-03)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'payment-intake': {
    entry: 'functions/payment-intake/handler.ts',
    description: 'Terminal API: payments, offline batches, same-day cancels, balance (PAY-01..10, PAY-12)',
    memoryMb: 1024,
    timeoutSeconds: 29,
    personalData: true,
  },
  'payment-events': {
    entry: 'functions/payment-events/handler.ts',
    description: 'Outbox relay: payment items on the table stream become screening events',
    memoryMb: 256,
    timeoutSeconds: 60,
    sends: ['screening'],
  },
  'refunds-api': {
    entry: 'functions/refunds-api/handler.ts',
    description: 'PAY-11 refunds: request (provider), approve or reject (agency), list',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'payments-api': {
    entry: 'functions/payments-api/handler.ts',
    description: 'GET /v1/payments, /v1/payments/daily: usage history and daily totals (PAY-13)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'people-api': {
    entry: 'functions/people-api/handler.ts',
    description: 'GET /v1/recipients/{id}, /v1/workers/{id}: a person\'s record, RRN masked, every read logged (REG-07)',
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  'voucher-generation': {
    entry: 'functions/voucher-generation/schedule.ts',
    description: 'voucher-generation schedule: fans the month out to recipient shards (VCH-01)',
    memoryMb: 256,
    timeoutSeconds: 60,
    sends: ['voucher-generation'],
  },
  'voucher-shard': {
    entry: 'functions/voucher-generation/shard.ts',
    description: 'Generates one page of one recipient shard\'s vouchers (VCH-01, VCH-02, REG-06)',
    memoryMb: 512,
    timeoutSeconds: 300,
    sends: ['voucher-generation'],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export type RouteAuth = 'jwt' | 'terminal-signature';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  function: FunctionName;
  auth: RouteAuth;
}

export const ROUTES: RouteSpec[] = [
  { method: 'POST', path: '/v1/terminal/payments', function: 'payment-intake', auth: 'terminal-signature' },
  { method: 'POST', path: '/v1/terminal/payments/batch', function: 'payment-intake', auth: 'terminal-signature' },
  { method: 'POST', path: '/v1/terminal/payments/{approvalNumber}/cancel', function: 'payment-intake', auth: 'terminal-signature' },
  { method: 'GET', path: '/v1/terminal/cards/{cardNumber}/balance', function: 'payment-intake', auth: 'terminal-signature' },
  { method: 'POST', path: '/v1/admin/import', function: 'admin-import', auth: 'jwt' },
  { method: 'GET', path: '/v1/vouchers', function: 'vouchers-api', auth: 'jwt' },
  { method: 'GET', path: '/v1/payments', function: 'payments-api', auth: 'jwt' },
  { method: 'GET', path: '/v1/payments/daily', function: 'payments-api', auth: 'jwt' },
  { method: 'POST', path: '/v1/refunds', function: 'refunds-api', auth: 'jwt' },
  { method: 'GET', path: '/v1/refunds', function: 'refunds-api', auth: 'jwt' },
  { method: 'POST', path: '/v1/refunds/{refundId}/approve', function: 'refunds-api', auth: 'jwt' },
  { method: 'POST', path: '/v1/refunds/{refundId}/reject', function: 'refunds-api', auth: 'jwt' },
  { method: 'GET', path: '/v1/recipients/{recipientId}', function: 'people-api', auth: 'jwt' },
  { method: 'GET', path: '/v1/workers/{workerId}', function: 'people-api', auth: 'jwt' },
];

export interface QueueSpec {
  /** Receives before a message moves to the queue's DLQ. */
  maxReceiveCount: number;
  /** At least six times the consumer's timeout, as AWS advises. */
  visibilityTimeoutSeconds: number;
  /** Locally a failed message comes back after this, not minutes later. */
  localVisibilityTimeoutSeconds: number;
  consumer?: { function: FunctionName; batchSize: number; maxConcurrency: number };
}

export const QUEUES: Record<QueueName, QueueSpec> = {
  'voucher-generation': {
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 6 * FUNCTIONS['voucher-shard'].timeoutSeconds,
    localVisibilityTimeoutSeconds: 2,
    consumer: { function: 'voucher-shard', batchSize: 1, maxConcurrency: 16 },
  },
  // Declared for the next steps (payment intake → screening, payout → CMS, CMS results).
  screening: { maxReceiveCount: 5, visibilityTimeoutSeconds: 180, localVisibilityTimeoutSeconds: 2 },
  /** Stream records the outbox relay could not deliver after its retries (an operator redrives them). */
  'payment-events-failed': { maxReceiveCount: 5, visibilityTimeoutSeconds: 180, localVisibilityTimeoutSeconds: 2 },
  'cms-outbound': { maxReceiveCount: 5, visibilityTimeoutSeconds: 180, localVisibilityTimeoutSeconds: 2 },
  reconciliation: { maxReceiveCount: 5, visibilityTimeoutSeconds: 180, localVisibilityTimeoutSeconds: 2 },
};

/**
 * The table's stream is the payments' outbox: an approval or a cancellation is written in the
 * same transaction as the money, and the relay turns it into a queue message after the fact.
 */
export const TABLE_STREAM_CONSUMER = {
  function: 'payment-events' as FunctionName,
  batchSize: 100,
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
};
