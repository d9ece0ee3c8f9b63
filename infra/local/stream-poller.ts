/**
 * Lambda's DynamoDB Streams event source mapping, locally: reads every shard of the table's
 * stream from where the stack started, invokes the consumer with batches, and on a partial
 * failure re-reads from the first failed record (as `reportBatchItemFailures` does), so a record
 * is never skipped while the consumer fails.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { TABLE_STREAM_CONSUMER } from '../system';
import { invoke } from './lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './servers';

const POLL_MS = 5;
const IDLE_POLL_MS = 200;

interface ShardCursor {
  shardId: string;
  iterator: string | undefined;
  closed: boolean;
}

const KINDS = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

/**
 * DynamoDB Local's stream sends an empty map as `{}` where AWS sends `{"M":{}}` (the table itself
 * stores `{"M":{}}`): the images are handed on as AWS would send them.
 */
export function asAwsSends(image: Record<string, unknown>): Record<string, unknown> {
  const value = (v: Record<string, unknown>): Record<string, unknown> => {
    if (v.M) return { M: asAwsSends(v.M as Record<string, unknown>) };
    if (v.L) return { L: (v.L as Record<string, unknown>[]).map(value) };
    return KINDS.some((k) => v[k] !== undefined) ? v : { M: {} };
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, value(v as Record<string, unknown>)]));
}

/**
 * Lambda's event filtering, for the patterns the stack uses: an object matches when every key's
 * value matches, an array of literals lists the values allowed. A record no filter matches is
 * passed over, as the event source mapping does (AWS: "Lambda event filtering").
 */
export function matchesFilter(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (pattern.some((p) => typeof p === 'object' && p !== null)) throw new Error(`unsupported filter rule ${JSON.stringify(pattern)}`);
    return pattern.includes(value as never);
  }
  if (typeof pattern !== 'object' || pattern === null) throw new Error(`unsupported filter pattern ${JSON.stringify(pattern)}`);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([k, p]) => matchesFilter((value as Record<string, unknown>)[k], p));
}

/** Whether the event source mapping hands the record to its function (any filter matches). */
export const streamDelivers = (record: _Record, filters: readonly unknown[] = TABLE_STREAM_CONSUMER.filters): boolean => filters.some((f) => matchesFilter(record, f));

/** GetRecords reads up to this many at a time (AWS's limit); the function gets them in batches. */
const READ_LIMIT = 1_000;

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly dynamo: DynamoDBClient;
  private streamArn = '';
  private shards = new Map<string, ShardCursor>();
  private running = false;
  private loop: Promise<void> | undefined;
  private busy = false;
  /** When the last full round found nothing new on any shard. */
  private lastQuietRoundStartedAt = 0;
  /** Records delivered; for tests and the benchmark. */
  delivered = 0;
  /** Held back (the benchmark measures intake alone): records wait on the stream, none is lost. */
  paused = false;

  constructor(endpoint: string, private readonly tableName: string, private readonly onError: (error: unknown) => void) {
    this.streams = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    this.dynamo = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  }

  async start(): Promise<void> {
    const table = await this.dynamo.send(new DescribeTableCommand({ TableName: this.tableName }));
    this.streamArn = table.Table!.LatestStreamArn!;
    await this.refreshShards('TRIM_HORIZON');
    this.running = true;
    this.loop = this.run();
  }

  /** Stops reading; a batch under way gets `graceMs` (the stream delivers it again at the next start). */
  async stop(graceMs = 1_500): Promise<void> {
    this.running = false;
    await Promise.race([this.loop, delay(graceMs, undefined, { ref: false })]);
    this.streams.destroy();
    this.dynamo.destroy();
  }

  private wakeUp: (() => void) | undefined;

  /** Starts the next round now instead of after the idle pause (a drain asks; nothing is skipped). */
  wake(): void {
    this.wakeUp?.();
  }

  /** True once a whole round that started after `since` found the stream fully read. */
  caughtUp(since: number): boolean {
    return !this.busy && this.lastQuietRoundStartedAt > since;
  }

  private async refreshShards(position: 'TRIM_HORIZON' | 'LATEST'): Promise<void> {
    const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (this.shards.has(shard.ShardId!)) continue;
      const it = await this.streams.send(new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId!, ShardIteratorType: position }));
      this.shards.set(shard.ShardId!, { shardId: shard.ShardId!, iterator: it.ShardIterator, closed: false });
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const roundStartedAt = Date.now();
      let found = false;
      if (this.paused) {
        await delay(IDLE_POLL_MS);
        continue;
      }
      try {
        for (const cursor of this.shards.values()) {
          if (cursor.closed || !cursor.iterator) continue;
          found = (await this.pollShard(cursor)) || found;
        }
        if ([...this.shards.values()].some((c) => c.closed)) await this.refreshShards('TRIM_HORIZON');
      } catch (error) {
        if (this.running) this.onError(error);
        found = true;
      }
      if (!found) this.lastQuietRoundStartedAt = roundStartedAt;
      await new Promise<void>((r) => {
        const timer = setTimeout(() => {
          this.wakeUp = undefined;
          r();
        }, found ? POLL_MS : IDLE_POLL_MS);
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = undefined;
          r();
        };
      });
    }
  }

  /** Reads what a shard has (up to READ_LIMIT) and delivers what the filters pass, in batches; returns whether there was anything. */
  private async pollShard(cursor: ShardCursor): Promise<boolean> {
    const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: cursor.iterator!, Limit: READ_LIMIT }));
    const read = out.Records ?? [];
    if (read.length === 0) {
      cursor.iterator = out.NextShardIterator;
      if (!cursor.iterator) cursor.closed = true;
      return false;
    }
    const records = read.filter((r) => streamDelivers(r));
    this.busy = true;
    try {
      let failedAt: string | null = null;
      for (let i = 0; i < records.length && failedAt === null; i += TABLE_STREAM_CONSUMER.batchSize) failedAt = await this.deliver(records.slice(i, i + TABLE_STREAM_CONSUMER.batchSize));
      if (failedAt === null) {
        cursor.iterator = out.NextShardIterator;
        if (!cursor.iterator) cursor.closed = true;
      } else {
        // Re-read from the first failed record next round.
        const it = await this.streams.send(new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: cursor.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: failedAt }));
        cursor.iterator = it.ShardIterator;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      this.busy = false;
    }
    return true;
  }

  /** Delivers a batch; returns the sequence number to resume from, or null when all succeeded. */
  private async deliver(records: _Record[]): Promise<string | null> {
    const event = streamEventOf(this.streamArn, records);
    try {
      const result = (await invoke(TABLE_STREAM_CONSUMER.function, event)) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
      const failures = result?.batchItemFailures ?? [];
      if (failures.length === 0) {
        this.delivered += records.length;
        return null;
      }
      if (this.running) this.onError(new Error(`the consumer reported ${failures.length} failed records; reading again from the first`));
      const first = records.findIndex((r) => failures.some((f) => f.itemIdentifier === r.dynamodb?.SequenceNumber));
      this.delivered += Math.max(0, first);
      return records[Math.max(0, first)]!.dynamodb!.SequenceNumber!;
    } catch (error) {
      if (this.running) this.onError(error);
      return records[0]!.dynamodb!.SequenceNumber!;
    }
  }
}

/** The DynamoDB Streams event Lambda's event source mapping hands its function, images as AWS sends them. */
export function streamEventOf(streamArn: string, records: _Record[]): DynamoDBStreamEvent {
  return {
    Records: records.map((r) => ({
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      eventSourceARN: streamArn,
      dynamodb: {
        ...r.dynamodb,
        ...(r.dynamodb?.NewImage ? { NewImage: asAwsSends(r.dynamodb.NewImage) } : {}),
        ...(r.dynamodb?.OldImage ? { OldImage: asAwsSends(r.dynamodb.OldImage) } : {}),
        ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime ? r.dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      },
    })),
  } as unknown as DynamoDBStreamEvent;
}
