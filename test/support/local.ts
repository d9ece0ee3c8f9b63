/**
 * Integration tests run against the real local servers started in global setup: each file gets
 * its own table and queues, and the handlers' environment points at them.
 */
import { randomBytes } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/shared/dynamo/client';
import { queueUrlVariable } from '../../functions/shared/config';
import { generateKeyMaterial } from '../../functions/shared/vault';
import { createQueues, createTable, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalQueues } from '../../infra/local/servers';
import type { QueueName } from '../../infra/system';

export interface TestEnvironment {
  tableName: string;
  queues: LocalQueues;
  dynamoEndpoint: string;
  queueEndpoint: string;
  scan(): Promise<Record<string, unknown>[]>;
}

export async function useLocalEnvironment(): Promise<TestEnvironment> {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const queueEndpoint = inject('queueEndpoint');
  const id = randomUUID().slice(0, 8);
  const tableName = `it-${id}`;
  await createTable(dynamoEndpoint, tableName);
  const queues = await createQueues(queueEndpoint, `it-${id}-`);
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SQS_ENDPOINT: queueEndpoint,
    S3_ENDPOINT: queueEndpoint,
    PII_KEYS: JSON.stringify(generateKeyMaterial()),
    CURSOR_KEY: randomBytes(32).toString('base64url'),
    ...Object.fromEntries((Object.entries(queues.urls) as [QueueName, string][]).map(([q, url]) => [queueUrlVariable(q), url])),
  });
  const doc = documentClient({ endpoint: dynamoEndpoint, region: LOCAL_REGION });
  return {
    tableName,
    queues,
    dynamoEndpoint,
    queueEndpoint,
    async scan() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
        items.push(...((out.Items ?? []) as Record<string, unknown>[]));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}
