import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { config, queueUrl } from './config';

let client: SQSClient | undefined;

/** The container's one SQS client (the simulation adds its fault middleware here). */
export function sqsClient(): SQSClient {
  const { AWS_REGION, SQS_ENDPOINT } = config();
  client ??= new SQSClient({
    region: AWS_REGION,
    ...(SQS_ENDPOINT ? { endpoint: SQS_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return client;
}

/** Sends messages to a queue, ten per call; throws if any could not be sent (the caller retries). */
export async function sendAll(queue: string, bodies: readonly unknown[]): Promise<void> {
  const url = queueUrl(queue);
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((body, j) => ({ Id: String(i + j), MessageBody: JSON.stringify(body) }));
    const out = await sqsClient().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    if (out.Failed?.length) throw new Error(`${out.Failed.length} messages to ${queue} were not accepted: ${out.Failed.map((f) => f.Code).join(',')}`);
  }
}
