/**
 * Runtime configuration from environment variables. Local defaults live in the local stack,
 * which sets these before it loads any handler; in AWS the CDK app sets them.
 */
import * as z from 'zod';

const envSchema = z.object({
  TABLE_NAME: z.string().min(3),
  AWS_REGION: z.string().default('ap-northeast-2'),
  /** Set only locally: DynamoDB Local, fauxqs. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  SQS_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  BUCKET_NAME: z.string().optional(),
  /** Keys for personal data (REG-07): either inline (local) or a Secrets Manager secret (AWS). */
  PII_KEYS: z.string().optional(),
  PII_SECRET_ARN: z.string().optional(),
  /** SCR-06: the screening rules' configuration (JSON); the defaults of domain/screening.ts when unset. */
  SCREENING_RULES: z.string().optional(),
  /** The CMS relay (its HTTPS file API); locally the simulator behind the same API. */
  CMS_RELAY_URL: z.url().optional(),
  CMS_RELAY_TOKEN: z.string().optional(),
  /** In AWS the relay's bearer token is a Secrets Manager secret, read once per container. */
  CMS_RELAY_TOKEN_SECRET_ARN: z.string().optional(),
  CMS_RELAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** The agency's CMS originator code and the account transfers are debited from. */
  CMS_ORIGINATOR: z.string().regex(/^[A-Z0-9]{1,10}$/).default('SSIS000001'),
  CMS_DEBIT_BANK_BRANCH: z.string().regex(/^\d{7}$/).default('0880001'),
  CMS_DEBIT_ACCOUNT: z.string().regex(/^\d{6,16}$/).default('10012345678'),
  /** Operations: the queues it watches (comma-separated names; each has QUEUE_URL_ and DLQ_URL_ variables). */
  OPS_QUEUES: z.string().optional(),
  /** Operations in AWS: the stack's alarms are named with this prefix. */
  ALARM_NAME_PREFIX: z.string().optional(),
  /** Operations locally: the local stack evaluates the same alarms and serves them here. */
  LOCAL_ALARMS_URL: z.url().optional(),
});

export type Config = z.infer<typeof envSchema>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= envSchema.parse(process.env);
  return cached;
}

/** `QUEUE_URL_VOUCHER_GENERATION` for `voucher-generation`: the URL of a queue this function sends to. */
export function queueUrl(queue: string): string {
  const name = queueUrlVariable(queue);
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set: the function was not granted the ${queue} queue`);
  return url;
}

/** The environment variable that carries a queue's URL to the functions that send to it. */
export const queueUrlVariable = (queue: string) => `QUEUE_URL_${queue.toUpperCase().replace(/-/g, '_')}`;

/** The environment variable that carries a queue's dead-letter queue's URL to the operations function. */
export const dlqUrlVariable = (queue: string) => `DLQ_URL_${queue.toUpperCase().replace(/-/g, '_')}`;

/** `DLQ_URL_SCREENING` for `screening`: the URL of a dead-letter queue the operations function reads. */
export function dlqUrl(queue: string): string {
  const url = process.env[dlqUrlVariable(queue)];
  if (!url) throw new Error(`${dlqUrlVariable(queue)} is not set: the function does not operate the ${queue} queue`);
  return url;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
