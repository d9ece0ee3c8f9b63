import { BatchGetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { meter } from './capacity';
import type { Key } from './keys';

const MAX_BATCH_GET = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

/** Reads many items by key, 100 per call, retrying unprocessed keys with backoff. */
export async function batchGetAll(doc: DynamoDBDocumentClient, table: string, keys: Key[], options: { consistent?: boolean; projection?: string } = {}): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(keys.map((k) => [`${k.PK}\u0000${k.SK}`, k])).values()];
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < unique.length; i += MAX_BATCH_GET) {
    let pending: Key[] = unique.slice(i, i + MAX_BATCH_GET);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error(`BatchGet left ${pending.length} keys unprocessed`);
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      const out = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}), ...(options.projection ? { ProjectionExpression: options.projection } : {}) } } }));
      items.push(...((out.Responses?.[table] ?? []) as Record<string, unknown>[]));
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
    }
  }
  return items;
}

/** Every item a Query matches, page after page (consumed capacity is metered when asked for). */
export async function queryAll(doc: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    meter(out.ConsumedCapacity, 'read');
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Deterministic JSON (sorted keys) for content fingerprints. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** One conditional write: true when it was written, false when its condition failed; anything else is thrown. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/**
 * A cancelled transaction: which items' conditions failed, and — for items written with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` — what they held, so a duplicate is answered
 * without a second read.
 */
export class Cancelled {
  constructor(private readonly reasons: readonly { Code?: string; Item?: Record<string, AttributeValue> }[]) {}

  /** Whether item `index` failed its condition. */
  failed(index: number): boolean {
    return this.reasons[index]?.Code === 'ConditionalCheckFailed';
  }

  /** The indexes of the items whose condition failed. */
  get indexes(): number[] {
    return this.reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
  }

  /** Item `index` as it was when its condition failed (only when it asked for ALL_OLD). */
  oldItem(index: number): Record<string, unknown> | undefined {
    const item = this.failed(index) ? this.reasons[index]?.Item : undefined;
    return item ? unmarshall(item) : undefined;
  }
}

/** The cancellation of a `TransactionCanceledException`, else null. */
function cancellationOf(error: unknown): Cancelled | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  return new Cancelled((error as Error & { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] }).CancellationReasons ?? []);
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * One `TransactWriteItems`: null when it committed, else the cancellation — when some item's
 * condition failed. Anything else (throttling, a transaction conflict alone, bad input) is thrown
 * unless `conflicts` asks for it back as a cancellation with no failed condition.
 */
export async function transactWrite(doc: DynamoDBDocumentClient, items: TransactItem[], options: { conflicts?: 'return' } = {}): Promise<Cancelled | null> {
  try {
    const out = await doc.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
    meter(out.ConsumedCapacity, 'write');
    return null;
  } catch (error) {
    const cancelled = cancellationOf(error);
    if (!cancelled || (cancelled.indexes.length === 0 && options.conflicts !== 'return')) throw error;
    return cancelled;
  }
}
