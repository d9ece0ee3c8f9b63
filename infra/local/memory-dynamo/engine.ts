/**
 * DynamoDB in memory: tables with a partition and sort key, global secondary indexes (projection
 * ALL), conditional writes, transactions, batches, queries and scans with DynamoDB's paging, and
 * a table stream with old and new images — spoken in DynamoDB's JSON wire format, so the real
 * SDK clients and the real adapters run against it unchanged (server.ts).
 *
 * It exists for the simulation's fast mode and `npm start -- --store memory`: the same system
 * without a JVM. What it does not model: capacity limits and throttling (the simulation injects
 * those at the SDK), TTL expiry, and items larger than DynamoDB's 400 KB are refused as DynamoDB
 * refuses them. Its behaviour is checked against DynamoDB Local by a differential test.
 */
import {
  applyUpdate, type Condition, evaluate, keyRange, type KeyRange, parseCondition, parseProjection, parseUpdate, type Placeholders, project, type Update, updatedAttributes, Usage,
} from './expressions';
import { type AttributeValue, compare, DynamoError, equals, type Item, itemSize, normalizeItem, typeOf, validation } from './values';

const MAX_ITEM_BYTES = 400 * 1024;
const MAX_PAGE_BYTES = 1024 * 1024;
const MAX_TRANSACTION_ITEMS = 100;
const STREAM_RETENTION = 200_000;

interface KeySchema {
  partition: string;
  sort?: string | undefined;
}

interface Entry {
  /** The index's sort key value (absent in the table when it has none). */
  sort: AttributeValue | undefined;
  /** The item's table key, for the order of equal index keys and for LastEvaluatedKey. */
  tablePartition: AttributeValue;
  tableSort: AttributeValue | undefined;
  id: string;
}

const keyString = (v: AttributeValue) => JSON.stringify(v);

/** One partition of a table or an index: entries in sort-key order. */
class Partition {
  readonly entries: Entry[] = [];
  constructor(private readonly order: (a: Entry, b: Entry) => number) {}
  private position(e: Entry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order(this.entries[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  insert(e: Entry): void {
    this.entries.splice(this.position(e), 0, e);
  }
  remove(e: Entry): void {
    const at = this.position(e);
    if (this.entries[at]?.id === e.id) this.entries.splice(at, 1);
    else {
      const i = this.entries.findIndex((x) => x.id === e.id);
      if (i >= 0) this.entries.splice(i, 1);
    }
  }
  /** The first position whose entry is not before `probe`. */
  lowerBound(probe: (e: Entry) => number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (probe(this.entries[mid]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const cmp = (a: AttributeValue | undefined, b: AttributeValue | undefined) => (a === undefined || b === undefined ? 0 : compare(a, b) ?? 0);
const entryOrder = (a: Entry, b: Entry) => cmp(a.sort, b.sort) || cmp(a.tablePartition, b.tablePartition) || cmp(a.tableSort, b.tableSort) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface Index {
  name: string;
  keys: KeySchema;
  partitions: Map<string, Partition>;
}

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  dynamodb: { ApproximateCreationDateTime: number; Keys: Item; NewImage?: Item; OldImage?: Item; SequenceNumber: string; SizeBytes: number; StreamViewType: string };
}

class Table {
  readonly items = new Map<string, Item>();
  readonly partitions = new Map<string, Partition>();
  readonly indexes: Index[];
  readonly stream: StreamRecord[] = [];
  /** Absolute number of the stream's first kept record. */
  streamStart = 0;
  ttl: { AttributeName: string; Enabled: boolean } | undefined;
  readonly createdAt = Date.now() / 1000;
  constructor(readonly name: string, readonly keys: KeySchema, readonly definitions: Map<string, string>, indexes: { name: string; keys: KeySchema }[], readonly streamViewType: string | undefined) {
    this.indexes = indexes.map((i) => ({ ...i, partitions: new Map() }));
  }
  get arn() {
    return `arn:aws:dynamodb:ap-northeast-2:000000000000:table/${this.name}`;
  }
  get streamArn() {
    return `${this.arn}/stream/1970-01-01T00:00:00.000`;
  }
}

type Json = Record<string, any>;

const conditionalFailed = (item: Item | undefined, returnOld: boolean) => new DynamoError('ConditionalCheckFailedException', 'The conditional request failed', returnOld && item ? { Item: item } : {});

/** An expression's placeholders, parsed once per request, with DynamoDB's check that each is used. */
function expressionsOf(input: Json, which: ('condition' | 'update' | 'key' | 'filter' | 'projection')[]) {
  const p: Placeholders = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
  const usage = new Usage();
  const out: { condition?: Condition; update?: Update; key?: Condition; filter?: Condition; projection?: ReturnType<typeof parseProjection> } = {};
  if (which.includes('condition') && input.ConditionExpression) out.condition = parseCondition(input.ConditionExpression, p, usage);
  if (which.includes('update') && input.UpdateExpression) out.update = parseUpdate(input.UpdateExpression, p, usage);
  if (which.includes('key') && input.KeyConditionExpression) out.key = parseCondition(input.KeyConditionExpression, p, usage);
  if (which.includes('filter') && input.FilterExpression) out.filter = parseCondition(input.FilterExpression, p, usage);
  if (which.includes('projection') && input.ProjectionExpression) out.projection = parseProjection(input.ProjectionExpression, p, usage);
  usage.check(p);
  if (input.ExpressionAttributeValues && Object.keys(input.ExpressionAttributeValues).length === 0) throw validation('ExpressionAttributeValues must not be empty');
  if (input.ExpressionAttributeNames && Object.keys(input.ExpressionAttributeNames).length === 0) throw validation('ExpressionAttributeNames must not be empty');
  return out;
}

/** A write as decided but not yet applied: the item's key, the item before and after (null: none). */
interface PlannedWrite {
  table: Table;
  id: string;
  before: Item | undefined;
  after: Item | undefined;
}

export class MemoryDynamo {
  private readonly tables = new Map<string, Table>();
  private sequence = 0;
  /** Writes applied, by operation — for the benchmark and tests. */
  readonly counts = { reads: 0, writes: 0, transactions: 0 };

  constructor(private readonly region = 'ap-northeast-2') {}

  /** Answers one request of the DynamoDB or DynamoDB Streams JSON protocol. */
  handle(operation: string, input: Json): Json {
    const op = (this as unknown as Record<string, (i: Json) => Json>)[`op${operation}`];
    if (!op) throw new DynamoError('UnknownOperationException', `operation ${operation} is not supported by the in-memory DynamoDB`);
    return op.call(this, input);
  }

  // ------------------------------------------------------------ tables

  private table(name: unknown): Table {
    const t = this.tables.get(String(name));
    if (!t) throw new DynamoError('ResourceNotFoundException', 'Cannot do operations on a non-existent table');
    return t;
  }

  private describe(t: Table): Json {
    const schema = (k: KeySchema) => [{ AttributeName: k.partition, KeyType: 'HASH' }, ...(k.sort ? [{ AttributeName: k.sort, KeyType: 'RANGE' }] : [])];
    return {
      TableName: t.name,
      TableArn: t.arn,
      TableStatus: 'ACTIVE',
      ItemCount: t.items.size,
      KeySchema: schema(t.keys),
      AttributeDefinitions: [...t.definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      CreationDateTime: t.createdAt,
      ...(t.indexes.length ? { GlobalSecondaryIndexes: t.indexes.map((i) => ({ IndexName: i.name, KeySchema: schema(i.keys), Projection: { ProjectionType: 'ALL' }, IndexStatus: 'ACTIVE' })) } : {}),
      ...(t.streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType }, LatestStreamArn: t.streamArn, LatestStreamLabel: '1970-01-01T00:00:00.000' } : {}),
    };
  }

  opCreateTable(input: Json): Json {
    if (this.tables.has(input.TableName)) throw new DynamoError('ResourceInUseException', `Table already exists: ${input.TableName}`);
    const schemaOf = (list: Json[]): KeySchema => ({ partition: list.find((k) => k.KeyType === 'HASH')?.AttributeName, sort: list.find((k) => k.KeyType === 'RANGE')?.AttributeName });
    const definitions = new Map<string, string>((input.AttributeDefinitions ?? []).map((d: Json) => [d.AttributeName, d.AttributeType]));
    const indexes = (input.GlobalSecondaryIndexes ?? []).map((i: Json) => {
      if (i.Projection?.ProjectionType !== 'ALL') throw validation('the in-memory DynamoDB projects ALL attributes only');
      return { name: i.IndexName, keys: schemaOf(i.KeySchema) };
    });
    const stream = input.StreamSpecification?.StreamEnabled ? input.StreamSpecification.StreamViewType : undefined;
    const t = new Table(input.TableName, schemaOf(input.KeySchema), definitions, indexes, stream);
    this.tables.set(t.name, t);
    return { TableDescription: this.describe(t) };
  }

  opDescribeTable(input: Json): Json {
    return { Table: this.describe(this.table(input.TableName)) };
  }

  opListTables(): Json {
    return { TableNames: [...this.tables.keys()].sort() };
  }

  opDeleteTable(input: Json): Json {
    const t = this.table(input.TableName);
    this.tables.delete(t.name);
    return { TableDescription: this.describe(t) };
  }

  opUpdateTimeToLive(input: Json): Json {
    const t = this.table(input.TableName);
    t.ttl = input.TimeToLiveSpecification;
    return { TimeToLiveSpecification: input.TimeToLiveSpecification };
  }

  opDescribeTimeToLive(input: Json): Json {
    const t = this.table(input.TableName);
    return { TimeToLiveDescription: t.ttl ? { TimeToLiveStatus: t.ttl.Enabled ? 'ENABLED' : 'DISABLED', AttributeName: t.ttl.AttributeName } : { TimeToLiveStatus: 'DISABLED' } };
  }

  // ------------------------------------------------------------ keys and storage

  /** The table key of `key` (exactly the key attributes, of their declared types). */
  private keyOf(t: Table, key: Item | undefined, exact: boolean): { id: string; key: Item } {
    if (!key) throw validation('The provided key element does not match the schema');
    const names = [t.keys.partition, ...(t.keys.sort ? [t.keys.sort] : [])];
    if (exact && Object.keys(key).length !== names.length) throw validation('The provided key element does not match the schema');
    const picked: Item = {};
    for (const n of names) {
      const v = key[n];
      if (!v || typeOf(v) !== t.definitions.get(n)) throw validation(exact ? 'The provided key element does not match the schema' : `One or more parameter values were invalid: Missing the key ${n} in the item`);
      if ((typeOf(v) === 'S' && (v as { S: string }).S === '') || (typeOf(v) === 'B' && (v as { B: string }).B === '')) throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${n}`);
      picked[n] = v;
    }
    return { id: names.map((n) => keyString(picked[n]!)).join('\u0001'), key: picked };
  }

  private indexEntry(t: Table, keys: KeySchema, item: Item, id: string): { partition: string; entry: Entry } | null {
    const p = item[keys.partition];
    const s = keys.sort ? item[keys.sort] : undefined;
    if (!p || (keys.sort && !s)) return null;
    if (typeOf(p) !== t.definitions.get(keys.partition) || (s && typeOf(s) !== t.definitions.get(keys.sort!))) {
      throw validation(`One or more parameter values were invalid: Type mismatch for Index Key ${typeOf(p) !== t.definitions.get(keys.partition) ? keys.partition : keys.sort} Expected: ${t.definitions.get(keys.partition)}`);
    }
    for (const [n, v] of [[keys.partition, p], [keys.sort, s]] as const) {
      if (v && typeOf(v) === 'S' && (v as { S: string }).S === '') throw validation(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: index, IndexKey: ${n}`);
    }
    return { partition: keyString(p), entry: { sort: s, tablePartition: item[t.keys.partition]!, tableSort: t.keys.sort ? item[t.keys.sort] : undefined, id } };
  }

  /** Refuses an item DynamoDB would refuse (size, index key types) before anything is written. */
  private validateItem(t: Table, item: Item): void {
    if (itemSize(item) > MAX_ITEM_BYTES) throw validation('Item size has exceeded the maximum allowed size');
    for (const [name, v] of Object.entries(item)) {
      if (typeOf(v) === 'S' && (v as { S: string }).S === '' && (name === t.keys.partition || name === t.keys.sort)) throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`);
    }
    for (const index of t.indexes) this.indexEntry(t, index.keys, item, '');
  }

  private apply(w: PlannedWrite): void {
    const { table: t, id, before, after } = w;
    if (before === undefined && after === undefined) return;
    if (before !== undefined && after !== undefined && equalItems(before, after)) return;
    const pk = (item: Item) => keyString(item[t.keys.partition]!);
    const tableEntry = (item: Item): Entry => ({ sort: t.keys.sort ? item[t.keys.sort] : undefined, tablePartition: item[t.keys.partition]!, tableSort: t.keys.sort ? item[t.keys.sort] : undefined, id });
    if (before) {
      t.partitions.get(pk(before))?.remove(tableEntry(before));
      for (const index of t.indexes) {
        const e = this.indexEntry(t, index.keys, before, id);
        if (e) index.partitions.get(e.partition)?.remove(e.entry);
      }
    }
    if (after) {
      t.items.set(id, after);
      const partition = t.partitions.get(pk(after)) ?? new Partition(entryOrder);
      t.partitions.set(pk(after), partition);
      partition.insert(tableEntry(after));
      for (const index of t.indexes) {
        const e = this.indexEntry(t, index.keys, after, id);
        if (!e) continue;
        const p = index.partitions.get(e.partition) ?? new Partition(entryOrder);
        index.partitions.set(e.partition, p);
        p.insert(e.entry);
      }
    } else t.items.delete(id);
    if (before && !after && t.partitions.get(pk(before))?.entries.length === 0) t.partitions.delete(pk(before));
    this.counts.writes++;
    this.record(t, before, after);
  }

  private record(t: Table, before: Item | undefined, after: Item | undefined): void {
    if (!t.streamViewType) return;
    const n = ++this.sequence;
    const image = (after ?? before)!;
    const keys: Item = { [t.keys.partition]: image[t.keys.partition]!, ...(t.keys.sort ? { [t.keys.sort]: image[t.keys.sort]! } : {}) };
    const view = t.streamViewType;
    t.stream.push({
      eventID: n.toString(16).padStart(32, '0'),
      eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keys,
        ...(after && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? { NewImage: after } : {}),
        ...(before && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? { OldImage: before } : {}),
        SequenceNumber: String(n).padStart(21, '0'),
        SizeBytes: itemSize(image),
        StreamViewType: view,
      },
    });
    if (t.stream.length > STREAM_RETENTION) {
      const drop = t.stream.length - STREAM_RETENTION;
      t.stream.splice(0, drop);
      t.streamStart += drop;
    }
  }

  private consumed(t: Table, input: Json, units: number, kind: 'read' | 'write'): Json {
    if (!input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE') return {};
    return { ConsumedCapacity: { TableName: t.name, CapacityUnits: units, ...(kind === 'read' ? { ReadCapacityUnits: units } : { WriteCapacityUnits: units }) } };
  }

  private readUnits(items: (Item | undefined)[], consistent: boolean): number {
    const bytes = items.reduce((s, i) => s + (i ? itemSize(i) : 0), 0);
    return Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
  }

  private writeUnits(w: PlannedWrite): number {
    return Math.max(1, Math.ceil(Math.max(w.before ? itemSize(w.before) : 0, w.after ? itemSize(w.after) : 0) / 1024));
  }

  // ------------------------------------------------------------ single-item operations

  opGetItem(input: Json): Json {
    const t = this.table(input.TableName);
    const { id } = this.keyOf(t, input.Key, true);
    const { projection } = expressionsOf(input, ['projection']);
    const item = t.items.get(id);
    this.counts.reads++;
    return { ...(item ? { Item: projection ? project(item, projection) : item } : {}), ...this.consumed(t, input, this.readUnits([item], input.ConsistentRead === true), 'read') };
  }

  /** Plans a Put, Update or Delete: checks its condition against the item as stored now. */
  private plan(kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck', input: Json): PlannedWrite & { update?: Update } {
    const t = this.table(input.TableName);
    if (kind === 'Put') {
      const item = normalizeItem(input.Item ?? {});
      const { id } = this.keyOf(t, item, false);
      const { condition } = expressionsOf(input, ['condition']);
      const before = t.items.get(id);
      if (condition && !evaluate(condition, before ?? {})) throw conditionalFailed(before, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
      this.validateItem(t, item);
      return { table: t, id, before, after: item };
    }
    const { id, key } = this.keyOf(t, input.Key, true);
    const { condition, update } = expressionsOf(input, kind === 'Update' ? ['condition', 'update'] : ['condition']);
    const before = t.items.get(id);
    if (condition && !evaluate(condition, before ?? {})) throw conditionalFailed(before, input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
    if (kind === 'ConditionCheck') return { table: t, id, before, after: before };
    if (kind === 'Delete') return { table: t, id, before, after: undefined };
    if (!update) throw validation('UpdateExpression is required (AttributeUpdates are not supported by the in-memory DynamoDB)');
    for (const name of updatedAttributes(update)) {
      if (name === t.keys.partition || name === t.keys.sort) throw validation(`One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`);
    }
    const after = applyUpdate(before ?? structuredClone(key), update);
    this.validateItem(t, after);
    return { table: t, id, before, after, update };
  }

  private returned(input: Json, w: PlannedWrite & { update?: Update }): Json {
    const rv = input.ReturnValues ?? 'NONE';
    const pick = (item: Item | undefined) => (item && w.update ? Object.fromEntries(updatedAttributes(w.update).filter((n) => item[n] !== undefined).map((n) => [n, item[n]!])) : item);
    const attributes = rv === 'ALL_OLD' ? w.before : rv === 'ALL_NEW' ? w.after : rv === 'UPDATED_OLD' ? pick(w.before) : rv === 'UPDATED_NEW' ? pick(w.after) : undefined;
    return attributes && Object.keys(attributes).length ? { Attributes: attributes } : {};
  }

  opPutItem(input: Json): Json {
    if (input.ReturnValues && !['NONE', 'ALL_OLD'].includes(input.ReturnValues)) throw validation('ReturnValues can only be ALL_OLD or NONE');
    const w = this.plan('Put', input);
    this.apply(w);
    return { ...this.returned(input, w), ...this.consumed(w.table, input, this.writeUnits(w), 'write') };
  }

  opUpdateItem(input: Json): Json {
    const w = this.plan('Update', input);
    this.apply(w);
    return { ...this.returned(input, w), ...this.consumed(w.table, input, this.writeUnits(w), 'write') };
  }

  opDeleteItem(input: Json): Json {
    const w = this.plan('Delete', input);
    this.apply(w);
    return { ...this.returned(input, w), ...this.consumed(w.table, input, this.writeUnits(w), 'write') };
  }

  // ------------------------------------------------------------ transactions and batches

  opTransactWriteItems(input: Json): Json {
    const actions: Json[] = input.TransactItems ?? [];
    if (actions.length === 0 || actions.length > MAX_TRANSACTION_ITEMS) throw validation(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`);
    const parsed = actions.map((a) => {
      const kind = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).find((k) => a[k]);
      if (!kind) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
      const body = a[kind] as Json;
      const t = this.table(body.TableName);
      const id = kind === 'Put' ? this.keyOf(t, normalizeItem(body.Item ?? {}), false).id : this.keyOf(t, body.Key, true).id;
      // Expressions are checked before any condition (a malformed one refuses the whole request).
      expressionsOf(body, kind === 'Update' ? ['condition', 'update'] : ['condition']);
      return { kind, body, key: `${t.name}\u0002${id}` };
    });
    if (new Set(parsed.map((p) => p.key)).size !== parsed.length) throw validation('Transaction request cannot include multiple operations on one item');
    const reasons: Json[] = [];
    const planned: PlannedWrite[] = [];
    let failed = false;
    for (const { kind, body } of parsed) {
      try {
        planned.push(this.plan(kind, body));
        reasons.push({ Code: 'None' });
      } catch (error) {
        if (!(error instanceof DynamoError)) throw error;
        failed = true;
        // An item the update cannot apply to refuses the whole request, as DynamoDB Local does.
        if (error.type !== 'ConditionalCheckFailedException') throw error;
        reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(error.extra.Item ? { Item: error.extra.Item } : {}) });
      }
    }
    if (failed) {
      throw new DynamoError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, { CancellationReasons: reasons });
    }
    for (const w of planned) if (w.after !== w.before) this.apply(w);
    this.counts.transactions++;
    if (!input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE') return {};
    const byTable = new Map<string, number>();
    for (const w of planned) byTable.set(w.table.name, (byTable.get(w.table.name) ?? 0) + 2 * this.writeUnits(w));
    return { ConsumedCapacity: [...byTable].map(([TableName, units]) => ({ TableName, CapacityUnits: units, WriteCapacityUnits: units })) };
  }

  opBatchGetItem(input: Json): Json {
    const responses: Json = {};
    const consumed: Json[] = [];
    const requests = Object.entries((input.RequestItems ?? {}) as Json);
    if (requests.reduce((s, [, r]) => s + (r.Keys?.length ?? 0), 0) > 100) throw validation('Too many items requested for the BatchGetItem call');
    for (const [name, request] of requests) {
      const t = this.table(name);
      const ids = (request.Keys as Item[]).map((k) => this.keyOf(t, k, true).id);
      if (new Set(ids).size !== ids.length) throw validation('Provided list of item keys contains duplicates');
      const { projection } = expressionsOf(request, ['projection']);
      const items = ids.map((id) => t.items.get(id)).filter((i): i is Item => i !== undefined);
      this.counts.reads += ids.length;
      responses[name] = items.map((i) => (projection ? project(i, projection) : i));
      consumed.push({ TableName: name, CapacityUnits: this.readUnits(items, request.ConsistentRead === true) });
    }
    return { Responses: responses, UnprocessedKeys: {}, ...(input.ReturnConsumedCapacity && input.ReturnConsumedCapacity !== 'NONE' ? { ConsumedCapacity: consumed } : {}) };
  }

  opBatchWriteItem(input: Json): Json {
    const requests = Object.entries((input.RequestItems ?? {}) as Json);
    if (requests.reduce((s, [, r]) => s + r.length, 0) > 25) throw validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Member must have length less than or equal to 25");
    const planned: PlannedWrite[] = [];
    for (const [name, list] of requests) {
      const t = this.table(name);
      for (const r of list as Json[]) {
        if (r.PutRequest) planned.push(this.plan('Put', { TableName: name, Item: r.PutRequest.Item }));
        else if (r.DeleteRequest) planned.push(this.plan('Delete', { TableName: name, Key: r.DeleteRequest.Key }));
        else throw validation('WriteRequest must contain PutRequest or DeleteRequest');
      }
      const ids = planned.filter((w) => w.table === t).map((w) => w.id);
      if (new Set(ids).size !== ids.length) throw validation('Provided list of item keys contains duplicates');
    }
    for (const w of planned) this.apply(w);
    return { UnprocessedItems: {} };
  }

  // ------------------------------------------------------------ queries and scans

  private source(t: Table, indexName: string | undefined): { keys: KeySchema; partitions: Map<string, Partition>; index?: Index } {
    if (!indexName) return { keys: t.keys, partitions: t.partitions };
    const index = t.indexes.find((i) => i.name === indexName);
    if (!index) throw validation(`The table does not have the specified index: ${indexName}`);
    return { keys: index.keys, partitions: index.partitions, index };
  }

  /** Reads `entries` from `start` in the query's direction, DynamoDB's Limit and 1 MB page rules. */
  private page(t: Table, input: Json, entries: Entry[], start: number, forward: boolean, inRange: (e: Entry) => boolean, filter: Condition | undefined, index: Index | undefined, projection: ReturnType<typeof parseProjection> | undefined) {
    const limit: number | undefined = input.Limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw validation("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const items: Item[] = [];
    let scanned = 0;
    let bytes = 0;
    let last: Item | undefined;
    let i = start;
    for (; forward ? i < entries.length : i >= 0; i += forward ? 1 : -1) {
      const e = entries[i]!;
      if (!inRange(e)) break;
      const item = t.items.get(e.id)!;
      scanned++;
      bytes += itemSize(item);
      last = item;
      if (!filter || evaluate(filter, item)) items.push(projection ? project(item, projection) : item);
      if ((limit !== undefined && scanned >= limit) || bytes >= MAX_PAGE_BYTES) {
        i += forward ? 1 : -1;
        break;
      }
    }
    const stopped = last !== undefined && ((limit !== undefined && scanned >= limit) || bytes >= MAX_PAGE_BYTES);
    // A page that stopped at its Limit or 1 MB has a LastEvaluatedKey even when nothing follows
    // (DynamoDB promises only that no key means no more; DynamoDB Local sometimes knows better):
    // callers must take an empty last page, and here they always meet one.
    const lastKey = (item: Item): Item => {
      const names = [t.keys.partition, t.keys.sort, index?.keys.partition, index?.keys.sort].filter((n): n is string => !!n);
      return Object.fromEntries(names.map((n) => [n, item[n]!]));
    };
    this.counts.reads++;
    const count = input.Select === 'COUNT' ? {} : { Items: items };
    return { ...count, Count: items.length, ScannedCount: scanned, ...(stopped ? { LastEvaluatedKey: lastKey(last!) } : {}), ...this.consumed(t, input, this.readUnits(items, input.ConsistentRead === true), 'read') };
  }

  /** The position just after (forward) or before (backward) an ExclusiveStartKey. */
  private resume(partition: Partition, input: Json, keys: KeySchema, t: Table, forward: boolean): number | null {
    const esk = input.ExclusiveStartKey as Item | undefined;
    if (!esk) return null;
    const probe: Entry = { sort: keys.sort ? esk[keys.sort] : undefined, tablePartition: esk[t.keys.partition]!, tableSort: t.keys.sort ? esk[t.keys.sort] : undefined, id: '' };
    if (!probe.tablePartition) throw validation('The provided starting key is invalid');
    const after = partition.lowerBound((e) => (entryOrder({ ...e, id: '' }, probe) <= 0 ? -1 : 1));
    return forward ? after : partition.lowerBound((e) => (entryOrder({ ...e, id: '' }, probe) < 0 ? -1 : 1)) - 1;
  }

  opQuery(input: Json): Json {
    const t = this.table(input.TableName);
    const { keys, partitions, index } = this.source(t, input.IndexName);
    const { key, filter, projection } = expressionsOf(input, ['key', 'filter', 'projection']);
    if (!key) throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    const range: KeyRange = keyRange(key, keys.partition, keys.sort);
    if (typeOf(range.partition) !== t.definitions.get(keys.partition)) throw validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
    const forward = input.ScanIndexForward !== false;
    const partition = partitions.get(keyString(range.partition));
    if (!partition) return { ...(input.Select === 'COUNT' ? {} : { Items: [] }), Count: 0, ScannedCount: 0, ...this.consumed(t, input, 0.5, 'read') };
    const s = range.sort;
    const sortOf = (e: Entry) => e.sort!;
    const below = (e: Entry): boolean => {
      // True while the entry is before the range's start.
      if (!s) return false;
      const v = sortOf(e);
      if (s.op === '=' || s.op === '>=') return (compare(v, s.value) ?? 0) < 0;
      if (s.op === '>') return (compare(v, s.value) ?? 0) <= 0;
      if (s.op === 'between') return (compare(v, s.low) ?? 0) < 0;
      if (s.op === 'begins_with') return (compare(v, s.prefix) ?? 0) < 0;
      return false;
    };
    const within = (e: Entry): boolean => {
      if (!s) return true;
      const v = sortOf(e);
      const c = (x: AttributeValue) => compare(v, x) ?? 0;
      switch (s.op) {
        case '=':
          return equals(v, s.value);
        case '<':
          return c(s.value) < 0;
        case '<=':
          return c(s.value) <= 0;
        case '>':
          return c(s.value) > 0;
        case '>=':
          return c(s.value) >= 0;
        case 'between':
          return c(s.low) >= 0 && c(s.high) <= 0;
        case 'begins_with':
          return typeOf(v) === 'S' ? (v as { S: string }).S.startsWith((s.prefix as { S: string }).S) : Buffer.from((v as { B: string }).B, 'base64').toString('hex').startsWith(Buffer.from((s.prefix as { B: string }).B, 'base64').toString('hex'));
      }
    };
    const entries = partition.entries;
    const first = partition.lowerBound((e) => (below(e) ? -1 : 1));
    // The range is contiguous: from `first` while `within` holds.
    let end = first;
    while (end < entries.length && within(entries[end]!)) end++;
    const resumed = this.resume(partition, input, keys, t, forward);
    const start = forward ? Math.max(first, resumed ?? first) : Math.min(end - 1, resumed ?? end - 1);
    return this.page(t, input, entries, start, forward, (e) => within(e) && !below(e), filter, index, projection);
  }

  opScan(input: Json): Json {
    const t = this.table(input.TableName);
    const { partitions, index, keys } = this.source(t, input.IndexName);
    const { filter, projection } = expressionsOf(input, ['filter', 'projection']);
    const total: number | undefined = input.TotalSegments;
    const segment: number = input.Segment ?? 0;
    const hash = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const names = [...partitions.keys()].filter((p) => total === undefined || hash(p) % total === segment).sort();
    // One sorted run over the chosen partitions, so an ExclusiveStartKey resumes where it stopped.
    const all: Entry[] = names.flatMap((p) => partitions.get(p)!.entries.map((e) => ({ ...e, partitionKey: p })));
    const position = (e: Entry & { partitionKey?: string }) => `${(e as { partitionKey: string }).partitionKey}`;
    let start = 0;
    const esk = input.ExclusiveStartKey as Item | undefined;
    if (esk) {
      const p = keyString(esk[keys.partition]!);
      const probe: Entry = { sort: keys.sort ? esk[keys.sort] : undefined, tablePartition: esk[t.keys.partition]!, tableSort: t.keys.sort ? esk[t.keys.sort] : undefined, id: '' };
      start = all.findIndex((e) => position(e) > p || (position(e) === p && entryOrder({ ...e, id: '' }, probe) > 0));
      if (start < 0) start = all.length;
    }
    return this.page(t, input, all, start, true, () => true, filter, index, projection);
  }

  // ------------------------------------------------------------ streams

  private streamTable(arn: unknown): Table {
    const t = [...this.tables.values()].find((x) => x.streamArn === arn);
    if (!t) throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Stream: ${String(arn)} not found`);
    return t;
  }

  opListStreams(): Json {
    return { Streams: [...this.tables.values()].filter((t) => t.streamViewType).map((t) => ({ StreamArn: t.streamArn, TableName: t.name, StreamLabel: '1970-01-01T00:00:00.000' })) };
  }

  opDescribeStream(input: Json): Json {
    const t = this.streamTable(input.StreamArn);
    return {
      StreamDescription: {
        StreamArn: t.streamArn, StreamLabel: '1970-01-01T00:00:00.000', StreamStatus: 'ENABLED', StreamViewType: t.streamViewType, TableName: t.name, CreationRequestDateTime: t.createdAt,
        KeySchema: [{ AttributeName: t.keys.partition, KeyType: 'HASH' }, ...(t.keys.sort ? [{ AttributeName: t.keys.sort, KeyType: 'RANGE' }] : [])],
        Shards: [{ ShardId: 'shardId-00000000000000000000-00000001', SequenceNumberRange: { StartingSequenceNumber: '1'.padStart(21, '0') } }],
      },
    };
  }

  opGetShardIterator(input: Json): Json {
    const t = this.streamTable(input.StreamArn);
    const numberOf = (seq: string) => {
      const at = t.stream.findIndex((r) => r.dynamodb.SequenceNumber === seq);
      if (at < 0) throw validation(`Invalid SequenceNumber ${seq} for shard ${input.ShardId}`);
      return t.streamStart + at;
    };
    const type = input.ShardIteratorType;
    const position = type === 'TRIM_HORIZON' ? t.streamStart : type === 'LATEST' ? t.streamStart + t.stream.length : type === 'AT_SEQUENCE_NUMBER' ? numberOf(input.SequenceNumber) : type === 'AFTER_SEQUENCE_NUMBER' ? numberOf(input.SequenceNumber) + 1 : NaN;
    if (Number.isNaN(position)) throw validation(`Invalid ShardIteratorType ${String(type)}`);
    return { ShardIterator: `${t.name}|${position}` };
  }

  opGetRecords(input: Json): Json {
    const [name, at] = String(input.ShardIterator).split('|');
    const t = this.table(name);
    const position = Math.max(Number(at), t.streamStart);
    const limit = Math.min(Number(input.Limit ?? 1000), 1000);
    const records = t.stream.slice(position - t.streamStart, position - t.streamStart + limit);
    return { Records: records, NextShardIterator: `${t.name}|${position + records.length}` };
  }
}

function equalItems(a: Item, b: Item): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => equals(a[k], b[k]));
}
