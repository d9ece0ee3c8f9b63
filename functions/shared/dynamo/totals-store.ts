/**
 * PO-08's maintained totals. The table stream's consumer adds the money each item change moved:
 * one transaction per group of changes puts a marker per change (`attribute_not_exists`) and
 * ADDs the group's deltas to one shard of each municipality × program, so a change is counted
 * once however often the stream delivers it. The report Queries the shards' partitions (a few
 * thousand items at national volume), never the table.
 */
import { createHash } from 'node:crypto';
import { type BucketTotals, EMPTY_TOTALS } from '../../../domain/settlement/ledger';
import type { DepositAccount } from '../../../domain/settlement/ports';
import { addDeltas, type ConservationPort, EMPTY_MONEY_TOTALS, type MoneyTotals, type MunicipalityProgram, type TotalsDelta, type TotalsPort } from '../../../domain/settlement/totals';
import { mapConcurrent } from '../../../domain/shared/concurrency';
import { queryAll, type TransactItem, transactWrite } from './batch';
import type { Table } from './client';
import { gsi1, keys, TOTALS_SHARDS } from './keys';

/** Conditions spelled once. */
const conditions = {
  /** The change was not added before. */
  firstApplication: 'attribute_not_exists(PK)',
} as const;

/** Changes per transaction: their markers and at most as many totals items stay under the 100-item limit. */
const GROUP = 40;
/** A marker outlives the stream's 24-hour retention, so a redelivered record still finds it. */
const MARKER_SECONDS = 2 * 24 * 3600;
const MAX_ATTEMPTS = 8;
const CONCURRENT_GROUPS = 4;

const MONEY_FIELDS = (Object.keys(EMPTY_MONEY_TOTALS) as (keyof MoneyTotals)[]).filter((f) => f !== 'bucket');
const BUCKET_FIELDS = Object.keys(EMPTY_TOTALS) as (keyof BucketTotals)[];
/** Bucket fields are stored flat: `bucket_approved`, …. */
const bucketAttribute = (f: keyof BucketTotals) => `bucket_${f}`;

const shardOf = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) % TOTALS_SHARDS;

export class DynamoTotalsStore implements TotalsPort, ConservationPort {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  async applyOnce(changes: readonly { changeId: string; deltas: readonly TotalsDelta[] }[]): Promise<void> {
    const unique = [...new Map(changes.map((c) => [c.changeId, c])).values()];
    const groups = Array.from({ length: Math.ceil(unique.length / GROUP) }, (_, g) => unique.slice(g * GROUP, (g + 1) * GROUP));
    // Groups are written side by side, each to its own shard, so they do not conflict with each other.
    const base = shardOf(unique[0]?.changeId ?? '');
    await mapConcurrent(groups.map((group, g) => ({ group, g })), CONCURRENT_GROUPS, ({ group, g }) => this.applyGroup(group, base + g));
  }

  /** One group in one transaction; changes already applied drop out, conflicts move to another shard and retry. */
  private async applyGroup(group: { changeId: string; deltas: readonly TotalsDelta[] }[], firstShard: number): Promise<void> {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`totals: ${pending.length} changes not applied after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      // A conflict (another batch on the same items) moves the retry to the next shard.
      const shard = (firstShard + attempt) % TOTALS_SHARDS;
      const cancelled = await transactWrite(this.table.doc, [...pending.map((c) => this.marker(c.changeId)), ...this.adds(shard, pending)], { conflicts: 'return' });
      if (cancelled === null) return;
      // A marker that exists: that change was added before (a redelivery). Drop it and write the rest.
      pending = pending.filter((_, index) => !cancelled.failed(index));
    }
  }

  private marker(changeId: string): TransactItem {
    return { Put: { TableName: this.table.name, Item: { ...keys.appliedChange(changeId), type: 'AppliedChange', expiresAt: this.epochSeconds() + MARKER_SECONDS }, ConditionExpression: conditions.firstApplication } };
  }

  /** The group's deltas merged per municipality × program, one ADD each. */
  private adds(shard: number, group: readonly { deltas: readonly TotalsDelta[] }[]): TransactItem[] {
    const merged = new Map<string, MunicipalityProgram & MoneyTotals>();
    for (const d of group.flatMap((c) => c.deltas)) {
      const k = `${d.municipalityCode}#${d.programCode}`;
      merged.set(k, { municipalityCode: d.municipalityCode, programCode: d.programCode, ...addDeltas(merged.get(k) ?? EMPTY_MONEY_TOTALS, d) });
    }
    return [...merged.values()].map((t) => {
      // Only the fields that move: a long expression costs the database more than the write.
      const values: Record<string, number> = {};
      for (const f of MONEY_FIELDS) if (t[f] !== 0) values[f] = t[f] as number;
      for (const f of BUCKET_FIELDS) if (t.bucket[f] !== 0) values[bucketAttribute(f)] = t.bucket[f];
      const names = Object.keys(values);
      return {
        Update: {
          TableName: this.table.name,
          Key: keys.moneyTotals(shard, t.municipalityCode, t.programCode),
          UpdateExpression: `SET #type = :type, municipalityCode = :m, programCode = :g${names.length ? ` ADD ${names.map((_, i) => `#f${i} :v${i}`).join(', ')}` : ''}`,
          ExpressionAttributeNames: { '#type': 'type', ...Object.fromEntries(names.map((n, i) => [`#f${i}`, n])) },
          ExpressionAttributeValues: { ':type': 'MoneyTotals', ':m': t.municipalityCode, ':g': t.programCode, ...Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])) },
        },
      };
    });
  }

  async conservationTotals(): Promise<{ totals: (MunicipalityProgram & MoneyTotals)[]; deposits: (MunicipalityProgram & DepositAccount)[] }> {
    const [shards, accounts] = await Promise.all([
      Promise.all(Array.from({ length: TOTALS_SHARDS }, (_, shard) => queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.moneyTotalsPartition(shard) }, ConsistentRead: true }))),
      // Each balance item carries its own running totals, so an account's identity holds in any one image of it.
      queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.depositAccountsPk } }),
    ]);
    const totals = new Map<string, MunicipalityProgram & MoneyTotals>();
    for (const item of shards.flat()) {
      const k = `${item.municipalityCode}#${item.programCode}`;
      const t = totals.get(k) ?? { municipalityCode: item.municipalityCode as string, programCode: item.programCode as string, ...structuredClone(EMPTY_MONEY_TOTALS) };
      for (const f of MONEY_FIELDS) (t as unknown as Record<string, number>)[f]! += (item[f] as number | undefined) ?? 0;
      for (const f of BUCKET_FIELDS) t.bucket[f] += (item[bucketAttribute(f)] as number | undefined) ?? 0;
      totals.set(k, t);
    }
    const n = (item: Record<string, unknown>, f: string) => (item[f] as number | undefined) ?? 0;
    return {
      totals: [...totals.values()].sort((a, b) => `${a.municipalityCode}#${a.programCode}`.localeCompare(`${b.municipalityCode}#${b.programCode}`)),
      deposits: accounts.map((a) => ({ municipalityCode: a.municipalityCode as string, programCode: a.programCode as string, balance: n(a, 'balance'), depositedTotal: n(a, 'depositedTotal'), paidTotal: n(a, 'paidTotal') })),
    };
  }
}
