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

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
