/**
 * The in-memory DynamoDB against DynamoDB Local, operation by operation: seeded random puts,
 * updates, deletes, transactions, batches, queries and scans — with conditions that pass and fail,
 * missing attributes, paging, both directions and the index — go to both, and every answer (the
 * items, the attributes returned, the error and its cancellation reasons, every page's items) and the
 * table stream must be the same. This is what lets the simulation's fast mode stand for the real store.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { BatchGetCommand, DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { documentClient } from '../../functions/shared/dynamo/client';
import { startMemoryDynamo, type MemoryDynamoServer } from '../../infra/local/memory-dynamo/server';
import { createTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/servers';
import { Rng } from '../sim/rng';

const TABLE_PREFIX = `diff-${Date.now().toString(36)}`;

interface Side {
  doc: DynamoDBDocumentClient;
  endpoint: string;
}

/** What an operation answered, with what cannot be the same (request ids, capacity) left out. */
async function answer(doc: DynamoDBDocumentClient, command: any): Promise<unknown> {
  try {
    const out = (await doc.send(command)) as Record<string, unknown>;
    const { $metadata: _m, ConsumedCapacity: _c, ...rest } = out;
    return { ok: rest };
  } catch (error) {
    const e = error as Error & { CancellationReasons?: { Code?: string; Item?: unknown }[]; Item?: unknown };
    return { error: e.name, ...(e.CancellationReasons ? { reasons: e.CancellationReasons.map((r) => ({ code: r.Code, item: r.Item })) } : {}), ...(e.Item ? { item: e.Item } : {}) };
  }
}

function workload(rng: Rng, TABLE: string) {
  const pk = () => `P${rng.int(0, 2)}`;
  const sk = () => `S${String(rng.int(0, 11)).padStart(2, '0')}`;
  const key = () => ({ PK: pk(), SK: sk() });
  // The index sort key carries the item's key: DynamoDB leaves the order of equal index keys open.
  const maybeIndex = (k: { PK: string; SK: string }) => (rng.chance(0.6) ? { GSI1PK: `G${rng.int(0, 1)}`, GSI1SK: `${rng.int(0, 5)}#${k.PK}#${k.SK}` } : {});
  const item = (k = key()) => ({ ...k, ...maybeIndex(k), n: rng.int(-3, 20), s: rng.pick(['a', 'ab', 'b', '가', 'bz']), ...(rng.chance(0.3) ? { list: [rng.int(0, 3)] } : {}), ...(rng.chance(0.3) ? { m: { x: rng.int(0, 2), y: 'v' } } : {}), ...(rng.chance(0.2) ? { tags: new Set([rng.pick(['t1', 't2', 't3'])]) } : {}) });
  const condition = (): { ConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown>; ExpressionAttributeNames?: Record<string, string> } => {
    switch (rng.int(0, 9)) {
      case 0:
        return { ConditionExpression: 'attribute_not_exists(PK)' };
      case 1:
        return { ConditionExpression: 'attribute_exists(PK)' };
      case 2:
        return { ConditionExpression: '#n = :v', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':v': rng.int(0, 5) } };
      case 3:
        return { ConditionExpression: 'n <> :v', ExpressionAttributeValues: { ':v': rng.int(0, 5) } };
      case 4:
        return { ConditionExpression: 'n < :v OR attribute_not_exists(n)', ExpressionAttributeValues: { ':v': rng.int(0, 10) } };
      case 5:
        return { ConditionExpression: 'begins_with(s, :p) AND NOT contains(s, :q)', ExpressionAttributeValues: { ':p': 'a', ':q': 'z' } };
      case 6:
        return { ConditionExpression: 'n BETWEEN :a AND :b', ExpressionAttributeValues: { ':a': 0, ':b': 8 } };
      case 7:
        return { ConditionExpression: 's IN (:a, :b)', ExpressionAttributeValues: { ':a': 'a', ':b': '가' } };
      case 8:
        return { ConditionExpression: 'size(s) > :one AND (m.x = :z OR attribute_not_exists(m))', ExpressionAttributeValues: { ':one': 1, ':z': 0 } };
      default:
        return {};
    }
  };
  const merge = (a: ReturnType<typeof condition>, b: { UpdateExpression: string; ExpressionAttributeValues?: Record<string, unknown>; ExpressionAttributeNames?: Record<string, string> }) => ({
    ...a, ...b,
    ...(a.ExpressionAttributeValues || b.ExpressionAttributeValues ? { ExpressionAttributeValues: { ...a.ExpressionAttributeValues, ...b.ExpressionAttributeValues } } : {}),
    ...(a.ExpressionAttributeNames || b.ExpressionAttributeNames ? { ExpressionAttributeNames: { ...a.ExpressionAttributeNames, ...b.ExpressionAttributeNames } } : {}),
  });
  const update = () =>
    rng.pick([
      { UpdateExpression: 'SET n = if_not_exists(n, :zero) + :d', ExpressionAttributeValues: { ':zero': 0, ':d': rng.int(-2, 3) } },
      { UpdateExpression: 'ADD n :d, tags :t', ExpressionAttributeValues: { ':d': rng.int(1, 3), ':t': new Set([rng.pick(['t1', 't2'])]) } },
      { UpdateExpression: 'REMOVE s, m.y SET #g = :g', ExpressionAttributeNames: { '#g': 'GSI1PK' }, ExpressionAttributeValues: { ':g': 'G1' } },
      { UpdateExpression: 'SET list = list_append(if_not_exists(list, :empty), :one)', ExpressionAttributeValues: { ':empty': [], ':one': [rng.int(0, 9)] } },
      { UpdateExpression: 'SET m.x = :x', ExpressionAttributeValues: { ':x': rng.int(0, 3) } },
      { UpdateExpression: 'DELETE tags :t', ExpressionAttributeValues: { ':t': new Set(['t1']) } },
      { UpdateExpression: 'SET n = n - :d', ExpressionAttributeValues: { ':d': 1 } },
    ]);
  const returns = () => rng.pick([undefined, 'ALL_OLD', 'ALL_NEW', 'UPDATED_NEW', 'UPDATED_OLD'] as const);
  const query = () => {
    const onIndex = rng.chance(0.35);
    const sortCondition = rng.pick(['', ' AND begins_with(#s, :p)', ' AND #s BETWEEN :a AND :b', ' AND #s > :a', ' AND #s <= :b']);
    const sortName = onIndex ? 'GSI1SK' : 'SK';
    const values: Record<string, unknown> = { ':pk': onIndex ? `G${rng.int(0, 1)}` : pk() };
    if (sortCondition.includes(':p')) values[':p'] = onIndex ? `${rng.int(0, 5)}` : 'S0';
    if (sortCondition.includes(':a')) values[':a'] = onIndex ? '1' : 'S03';
    if (sortCondition.includes(':b')) values[':b'] = onIndex ? '4' : 'S08';
    return {
      TableName: TABLE,
      ...(onIndex ? { IndexName: 'GSI1' } : {}),
      KeyConditionExpression: `${onIndex ? 'GSI1PK' : 'PK'} = :pk${sortCondition}`,
      ExpressionAttributeNames: sortCondition ? { '#s': sortName } : undefined,
      ExpressionAttributeValues: values,
      ScanIndexForward: rng.chance(0.5),
      ...(rng.chance(0.6) ? { Limit: rng.int(1, 4) } : {}),
      ...(rng.chance(0.3) ? { FilterExpression: 'n > :f', ExpressionAttributeValues: { ...values, ':f': 5 } } : {}),
      ...(rng.chance(0.2) ? { ProjectionExpression: 'PK, SK, m.x, n' } : {}),
    };
  };
  return { key, item, condition, merge, update, returns, query };
}

describe('the in-memory DynamoDB answers as DynamoDB Local does', () => {
  let memory: MemoryDynamoServer;
  let real: Side;
  let fake: Side;

  beforeAll(async () => {
    memory = await startMemoryDynamo();
    const endpoint = inject('dynamoEndpoint');
    real = { doc: documentClient({ endpoint, region: LOCAL_REGION }), endpoint };
    fake = { doc: documentClient({ endpoint: memory.endpoint, region: LOCAL_REGION }), endpoint: memory.endpoint };
  });

  afterAll(async () => {
    await memory?.stop();
  });

  it.each([20261203, 7, 12345, 2027])('seed %i: seeded random operations get the same answers, paged results, errors and stream on both', async (seed) => {
    const TABLE = `${TABLE_PREFIX}-${seed}`;
    await Promise.all([createTable(real.endpoint, TABLE), createTable(memory.endpoint, TABLE)]);
    const rng = new Rng(seed, 'memory-dynamo differential');
    const w = workload(rng, TABLE);
    const both = async (label: string, make: () => any) => {
      const [a, b] = [await answer(real.doc, make()), await answer(fake.doc, make())];
      expect(b, label).toEqual(a);
      return a as { ok?: Record<string, unknown> };
    };
    for (let step = 0; step < 400; step++) {
      const kind = rng.int(0, 9);
      if (kind <= 2) {
        const input = { TableName: TABLE, Item: w.item(), ...w.condition(), ReturnValues: rng.pick([undefined, 'ALL_OLD'] as const), ...(rng.chance(0.5) ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}) };
        await both(`${step} put ${JSON.stringify(input)}`, () => new PutCommand(input));
      } else if (kind <= 5) {
        const input = { TableName: TABLE, Key: w.key(), ...w.merge(w.condition(), w.update()), ReturnValues: w.returns() };
        await both(`${step} update ${JSON.stringify(input)}`, () => new UpdateCommand(input));
      } else if (kind === 6) {
        const input = { TableName: TABLE, Key: w.key(), ...w.condition(), ReturnValues: rng.pick([undefined, 'ALL_OLD'] as const) };
        await both(`${step} delete ${JSON.stringify(input)}`, () => new DeleteCommand(input));
      } else if (kind === 7) {
        const keys = new Map<string, { PK: string; SK: string }>();
        const n = rng.int(1, 4);
        while (keys.size < n) {
          const k = w.key();
          keys.set(`${k.PK}/${k.SK}`, k);
        }
        const items = [...keys.values()].map((Key) => {
          const which = rng.int(0, 3);
          const c = w.condition();
          const failOld = rng.chance(0.5) ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {};
          if (which === 0) return { Put: { TableName: TABLE, Item: w.item(Key), ...c, ...failOld } };
          if (which === 1) return { Update: { TableName: TABLE, Key, ...w.merge(c, w.update()), ...failOld } };
          if (which === 2) return { Delete: { TableName: TABLE, Key, ...c, ...failOld } };
          return c.ConditionExpression ? { ConditionCheck: { TableName: TABLE, Key, ...c, ...failOld } } : { Delete: { TableName: TABLE, Key } };
        });
        await both(`${step} transaction ${JSON.stringify(items)}`, () => new TransactWriteCommand({ TransactItems: items as never }));
      } else if (kind === 8) {
        const input = w.query();
        // Every page, as a caller pages: the items and counts must be the same; where the pages
        // end may differ (DynamoDB promises only that no LastEvaluatedKey means no more).
        const pages = async (doc: DynamoDBDocumentClient) => {
          const out: { items: unknown[]; count: number; scanned: number; error?: unknown } = { items: [], count: 0, scanned: 0 };
          let start: Record<string, unknown> | undefined;
          for (let page = 0; page < 40; page++) {
            const got = (await answer(doc, new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }))) as { ok?: Record<string, any>; error?: string };
            if (!got.ok) return { ...out, error: got };
            out.items.push(...(got.ok.Items ?? []));
            out.count += got.ok.Count;
            out.scanned += got.ok.ScannedCount;
            if (input.Limit && got.ok.ScannedCount > input.Limit) out.error = 'a page scanned more than its Limit';
            start = got.ok.LastEvaluatedKey;
            if (!start) break;
          }
          return out;
        };
        expect(await pages(fake.doc), `${step} query ${JSON.stringify(input)}`).toEqual(await pages(real.doc));
      } else {
        const keys = [...new Map(Array.from({ length: rng.int(1, 5) }, () => w.key()).map((k) => [`${k.PK}/${k.SK}`, k])).values()];
        const sortResponses = (x: any) => ({ ...x, ok: x.ok && { ...x.ok, Responses: { [TABLE]: [...(x.ok.Responses?.[TABLE] ?? [])].sort((a: any, b: any) => `${a.PK}${a.SK}`.localeCompare(`${b.PK}${b.SK}`)) } } });
        const [a, b] = [await answer(real.doc, new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys } } })), await answer(fake.doc, new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys } } }))];
        expect(sortResponses(b), `${step} batch get`).toEqual(sortResponses(a));
      }
    }
    // The whole table, in each store's scan order sorted by key.
    const all = async (doc: DynamoDBDocumentClient) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(new ScanCommand({ TableName: TABLE, Limit: 7, ...(start ? { ExclusiveStartKey: start } : {}) }));
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => `${a.PK}${a.SK}`.localeCompare(`${b.PK}${b.SK}`));
    };
    const [realItems, fakeItems] = [await all(real.doc), await all(fake.doc)];
    expect(fakeItems).toEqual(realItems);
    expect(realItems.length).toBeGreaterThan(5);

    // The stream: the same changes, in the same order, with the same images.
    const stream = async (endpoint: string) => {
      const client = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const dynamo = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const arn = (await dynamo.send(new DescribeTableCommand({ TableName: TABLE }))).Table!.LatestStreamArn!;
      const shards = (await client.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
      const records: unknown[] = [];
      for (const shard of shards) {
        let iterator = (await client.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        for (let i = 0; i < 100 && iterator; i++) {
          const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          records.push(...(out.Records ?? []).map((r) => ({ eventName: r.eventName, keys: r.dynamodb?.Keys, newImage: r.dynamodb?.NewImage, oldImage: r.dynamodb?.OldImage })));
          if ((out.Records ?? []).length === 0) break;
          iterator = out.NextShardIterator;
        }
      }
      client.destroy();
      dynamo.destroy();
      return records;
    };
    const [realStream, fakeStream] = [await stream(real.endpoint), await stream(memory.endpoint)];
    expect(fakeStream.length).toBe(realStream.length);
    const canon = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x)); const firstDiff = fakeStream.findIndex((r, i) => canon(r) !== canon(realStream[i]));
    expect(fakeStream, `the first record that differs: ${firstDiff}`).toEqual(realStream);
  }, 120_000);
});
