/**
 * The settlement ledger's day buckets (domain.md §6). A bucket change is an `ADD` with a version
 * bump, so concurrent facts never lose an update; a fact is applied once through its marker,
 * written in the same transaction as its bucket change.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Bucket, type BucketTotals, EMPTY_TOTALS, type LedgerFact, unsettled } from '../../../domain/settlement/ledger';
import type { BucketRef, LedgerPort } from '../../../domain/settlement/ports';
import { batchGetAll, queryAll, type TransactItem, transactWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, keys } from './keys';

export type { BucketRef };

const FACT_RETENTION_SECONDS = 400 * 24 * 3600;
/** A transaction takes 100 items: the facts' markers and at most as many bucket updates. */
const MAX_FACTS_AT_ONCE = 50;
const TOTAL_FIELDS = ['approved', 'cancelled', 'held', 'released', 'denied', 'recovered', 'claims', 'settled', 'unscreened'] as const;

/** Conditions spelled once. */
const conditions = {
  /** The fact has not been applied: its marker does not exist. */
  firstDelivery: 'attribute_not_exists(PK)',
  /**
   * §5: no payout has settled from the day yet, or the day still has at least this much unpaid, so
   * a hold takes back nothing a payout paid. (Before any payout a bucket may well be below zero:
   * holds can come before the approvals' own facts.)
   */
  stillUnpaid: 'attribute_not_exists(lastSettledAt) OR #u >= :atLeast',
} as const;

export const bucketKey = (b: BucketRef) => keys.bucket(b.providerId, b.programCode, b.day, b.municipalityCode);

/**
 * The update that adds `deltas` to a bucket (created on first use) and marks it open, for use
 * inside any transaction; `guard` conditions it on the day's unpaid amount.
 */
export function bucketUpdate(tableName: string, ref: BucketRef, deltas: Partial<BucketTotals>, guard?: { unsettledAtLeast: number }): TransactItem {
  // `unsettled` (payable − settled) is kept beside the totals so that a condition can read it (§5: a hold).
  const change = unsettled({ ...EMPTY_TOTALS, ...deltas });
  const fields = [...Object.entries(deltas), ['unsettled', change] as const].filter(([, v]) => v !== undefined && v !== 0) as [string, number][];
  const open = gsi2.openBucket(ref.providerId, ref.programCode, ref.day, ref.municipalityCode);
  const deposit = gsi1.openDepositBucket(ref.municipalityCode, ref.programCode, ref.day, ref.providerId);
  return {
    Update: {
      TableName: tableName,
      Key: bucketKey(ref),
      UpdateExpression: `SET #type = :type, providerId = :p, programCode = :g, municipalityCode = :m, #day = :d, GSI2PK = :open, GSI2SK = :openSk, GSI1PK = :dep, GSI1SK = :depSk ADD #version :one${fields.map(([f]) => `, #${f} :${f}`).join('')}`,
      ...(guard ? { ConditionExpression: conditions.stillUnpaid } : {}),
      ExpressionAttributeNames: { '#type': 'type', '#day': 'day', '#version': 'version', ...Object.fromEntries(fields.map(([f]) => [`#${f}`, f])), ...(guard ? { '#u': 'unsettled' } : {}) },
      ExpressionAttributeValues: {
        ':type': 'LedgerBucket', ':p': ref.providerId, ':g': ref.programCode, ':m': ref.municipalityCode, ':d': ref.day, ':open': open.GSI2PK, ':openSk': open.GSI2SK, ':dep': deposit.GSI1PK, ':depSk': deposit.GSI1SK, ':one': 1,
        ...Object.fromEntries(fields.map(([f, v]) => [`:${f}`, v])),
        ...(guard ? { ':atLeast': guard.unsettledAtLeast } : {}),
      },
    },
  };
}

/** A change to one bucket inside a transaction; `guarded`: §5, a new hold needs its held amount still unpaid there. */
export interface BucketChange {
  ref: BucketRef;
  deltas: Partial<BucketTotals>;
  guarded?: boolean;
}

/**
 * One update per bucket for these changes (a transaction touches an item once): the deltas of
 * one bucket summed, guarded if any of them is — the holds of one day together need their sum
 * still unpaid there.
 */
export function bucketUpdates(tableName: string, changes: readonly (BucketChange | undefined)[]): TransactItem[] {
  const merged = new Map<string, BucketChange>();
  for (const change of changes) {
    if (!change) continue;
    const k = JSON.stringify(bucketKey(change.ref));
    const seen = merged.get(k);
    if (!seen) {
      merged.set(k, { ...change, deltas: { ...change.deltas } });
      continue;
    }
    seen.guarded ||= change.guarded;
    for (const [f, v] of Object.entries(change.deltas) as [keyof BucketTotals, number][]) seen.deltas[f] = (seen.deltas[f] ?? 0) + v;
  }
  return [...merged.values()].map((b) => bucketUpdate(tableName, b.ref, b.deltas, b.guarded ? { unsettledAtLeast: b.deltas.held ?? 0 } : undefined));
}

/**
 * A fact's marker, for use inside any transaction that also moves the fact's deltas on its bucket:
 * it fails when the fact was applied before, so a fact counts once.
 */
export function factMarker(tableName: string, fact: LedgerFact, epochSeconds: number): TransactItem {
  // `appliedAt`: when the fact joined its bucket (PO-07 statements: which payout settled it).
  return { Put: { TableName: tableName, Item: { ...keys.ledgerFact(fact.factId), type: 'LedgerFact', ...fact, appliedAt: new Date(epochSeconds * 1000).toISOString(), expiresAt: epochSeconds + FACT_RETENTION_SECONDS }, ConditionExpression: conditions.firstDelivery } };
}

export function toBucket(item: Record<string, unknown>): Bucket {
  const e = entityOf<Record<string, unknown>>(item);
  return {
    providerId: e.providerId as string,
    programCode: e.programCode as string,
    municipalityCode: e.municipalityCode as string,
    day: e.day as string,
    version: (e.version as number | undefined) ?? 0,
    ...(Object.fromEntries(TOTAL_FIELDS.map((f) => [f, (e[f] as number | undefined) ?? 0])) as unknown as BucketTotals),
  };
}

export class DynamoLedgerStore implements LedgerPort {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  async apply(fact: LedgerFact): Promise<'applied' | 'duplicate'> {
    const failed = await transactWrite(this.table.doc, [this.marker(fact), bucketUpdate(this.table.name, fact, fact.deltas)]);
    return failed === null ? 'applied' : 'duplicate';
  }

  /** Facts not seen before go in one transaction: their markers and one update per bucket. */
  async applyAll(facts: readonly LedgerFact[]): Promise<('applied' | 'duplicate')[]> {
    const unique = [...new Map(facts.map((f) => [f.factId, f])).values()];
    if (unique.length > 1 && unique.length <= MAX_FACTS_AT_ONCE) {
      const failed = await transactWrite(this.table.doc, [...unique.map((f) => this.marker(f)), ...bucketUpdates(this.table.name, unique.map((f) => ({ ref: f, deltas: f.deltas })))], { conflicts: 'return' });
      if (failed === null) {
        const firsts = new Set<string>();
        return facts.map((f) => (firsts.has(f.factId) ? 'duplicate' : (firsts.add(f.factId), 'applied')));
      }
    }
    // Some fact was applied already (a redelivery), or the write conflicted: each alone decides.
    const out: ('applied' | 'duplicate')[] = [];
    for (const f of facts) out.push(await this.apply(f));
    return out;
  }

  private marker(fact: LedgerFact): TransactItem {
    return factMarker(this.table.name, fact, this.epochSeconds());
  }

  async bucket(ref: BucketRef): Promise<Bucket | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: bucketKey(ref), ConsistentRead: true }));
    return out.Item ? toBucket(out.Item) : null;
  }

  async buckets(providerId: string, programCode: string, from: string, to: string): Promise<Bucket[]> {
    const items = await queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.ledgerPartition(providerId, programCode), ':from': `${from}#`, ':to': `${to}#~` },
      ConsistentRead: true,
    });
    return items.map(toBucket);
  }

  /** The sparse open index is eventually consistent: it only says where to look; the buckets are read again. */
  async openBuckets(providerId: string, programCode: string, throughDay: string): Promise<Bucket[]> {
    const fresh = await this.openIndexed('GSI2', 'GSI2PK', 'GSI2SK', gsi2.openBucketPk(providerId, programCode), throughDay);
    return fresh.sort((a, b) => a.day.localeCompare(b.day) || a.municipalityCode.localeCompare(b.municipalityCode));
  }

  /** PO-03: every provider's open buckets of one deposit up to a day (the index says where; the buckets are read again). */
  async depositBuckets(municipalityCode: string, programCode: string, throughDay: string): Promise<Bucket[]> {
    const fresh = await this.openIndexed('GSI1', 'GSI1PK', 'GSI1SK', gsi1.openDepositBucketPk(municipalityCode, programCode), throughDay);
    return fresh.sort((a, b) => a.day.localeCompare(b.day) || a.providerId.localeCompare(b.providerId));
  }

  /** The buckets one of the sparse open indexes lists under `pk` with days up to `throughDay`, read again strongly consistent. */
  private async openIndexed(index: 'GSI1' | 'GSI2', pkName: string, skName: string, pk: string, throughDay: string): Promise<Bucket[]> {
    const refs = await queryAll(this.table.doc, {
      TableName: this.table.name,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sk <= :to',
      ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
      ExpressionAttributeValues: { ':pk': pk, ':to': `${throughDay}#~` },
      ProjectionExpression: 'PK, SK',
    });
    const fresh = await batchGetAll(this.table.doc, this.table.name, refs.map((r) => ({ PK: r.PK as string, SK: r.SK as string })), { consistent: true });
    return fresh.map(toBucket);
  }
}
