/**
 * Payouts in the table (PO-02..05, CMS-04). A payout is written in one transaction with the
 * buckets it settles (each conditioned on the version read), the deposits it draws (never below
 * zero) with an entry each, and the provider's current delays; a refused transfer is returned in
 * one transaction the same way.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DepositAllocation } from '../../../domain/settlement/allocation';
import { type Bucket, type PayoutPlan, unsettled } from '../../../domain/settlement/ledger';
import type { Payout } from '../../../domain/settlement/payout';
import type { DelayRecord, Payee, PayoutRecords } from '../../../domain/settlement/ports';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import type { PayoutAccount } from '../../../domain/registry/entities';
import { conditionalWrite, queryAll, type TransactItem, transactWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, keys } from './keys';
import { bucketKey, bucketUpdate } from './ledger-store';
import { decodeToken, pageOf } from './pagination';

/** Conditions spelled once. */
const conditions = {
  /** The payout (or its return entry) is not written yet: a run made twice writes it once. */
  absent: 'attribute_not_exists(PK)',
  /** The bucket has not moved since the payout read it. */
  versionAsRead: '#version = :v',
  /** PO-03: a deposit is never drawn below zero. */
  covers: 'balance >= :drawn',
  /** CMS-04: only a sent transfer can come back refused. */
  sent: '#st = :sent',
} as const;

/** A payout's draws summed by the month of their service day (PO-06). */
function drawsByMonth(draws: readonly { day: string; amount: number }[]): Record<string, number> {
  const months: Record<string, number> = {};
  for (const d of draws) months[d.day.slice(0, 7)] = (months[d.day.slice(0, 7)] ?? 0) + d.amount;
  return months;
}

/** The payout is the first item of its commit. */
const PAYOUT_POSITION = 0;

export class DynamoPayoutStore implements PayoutRecords {
  constructor(private readonly table: Table) {}

  async payout(payoutId: string): Promise<Payout | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.payout(payoutId), ConsistentRead: true }));
    return out.Item ? entityOf<Payout>(out.Item) : null;
  }

  /** PO-02/03 in one transaction (see the file's comment); a bucket left with nothing unpaid leaves the open index. */
  async commit(payout: Payout | null, plan: PayoutPlan, settledBuckets: Bucket[], at: string): Promise<'committed' | 'conflict' | 'exists'> {
    const t = this.table.name;
    const items: TransactItem[] = [];
    if (payout) {
      const Item = { ...keys.payout(payout.payoutId), type: 'Payout', ...payout, ...gsi1.providerPayout(payout.providerId, payout.payDate, payout.payoutId), ...gsi2.payDay(payout.payDate, payout.payoutId) };
      items.push({ Put: { TableName: t, Item, ConditionExpression: conditions.absent } });
    }
    for (const d of plan.draws) {
      const closes = unsettled(d.bucket) - d.amount === 0;
      items.push({
        Update: {
          TableName: t,
          Key: bucketKey(d.bucket),
          UpdateExpression: `SET lastSettledAt = :at ADD settled :amt, unsettled :left, #version :one${closes ? ' REMOVE GSI2PK, GSI2SK, GSI1PK, GSI1SK' : ''}`,
          ConditionExpression: conditions.versionAsRead,
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':at': at, ':amt': d.amount, ':left': -d.amount, ':one': 1, ':v': d.bucket.version },
        },
      });
    }
    for (const b of settledBuckets) {
      items.push({ Update: { TableName: t, Key: bucketKey(b), UpdateExpression: 'REMOVE GSI2PK, GSI2SK, GSI1PK, GSI1SK', ConditionExpression: conditions.versionAsRead, ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':v': b.version } } });
    }
    if (payout) {
      for (const [municipality, drawn] of plan.deposits) {
        const programCode = payout.programCode;
        // A negative draw credits a recovery back (PO-02), possibly to an account never funded: it is listed like any other.
        const account = gsi1.depositAccount(municipality, programCode);
        items.push({
          Update: {
            TableName: t, Key: keys.depositBalance(municipality, programCode),
            UpdateExpression: 'SET #type = :type, municipalityCode = :m, programCode = :g, GSI1PK = :all, GSI1SK = :mg ADD balance :minus, paidTotal :drawn',
            ConditionExpression: drawn > 0 ? conditions.covers : undefined,
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':type': 'DepositBalance', ':m': municipality, ':g': programCode, ':all': account.GSI1PK, ':mg': account.GSI1SK, ':minus': -drawn, ':drawn': drawn },
          },
        });
        // PO-06: what the draw paid for services of each month.
        const months = drawsByMonth(payout.draws.filter((d) => d.municipalityCode === municipality));
        items.push({ Put: { TableName: t, Item: { ...keys.depositOut(municipality, programCode, payout.payDate, payout.payoutId), type: 'DepositOut', municipalityCode: municipality, programCode, amount: drawn, months, payoutId: payout.payoutId, providerId: payout.providerId, payDate: payout.payDate, at } } });
      }
      items.push(...this.delayWrites(payout, plan, at));
    }
    if (items.length === 0) return 'committed';
    if (items.length > 100) throw new Error(`payout ${payout?.payoutId}: ${items.length} writes exceed one transaction; pay the oldest days first in a smaller run`);
    const failed = await transactWrite(this.table.doc, items);
    if (failed === null) return 'committed';
    return payout && failed.failed(PAYOUT_POSITION) ? 'exists' : 'conflict';
  }

  /** The provider's current delay per municipality the payout touched: written, or removed when none is left. */
  private delayWrites(payout: Payout, plan: PayoutPlan, at: string): TransactItem[] {
    const touched = new Set([...plan.draws.map((d) => d.bucket.municipalityCode), ...plan.delays.map((d) => d.municipalityCode)]);
    return [...touched].map((municipality): TransactItem => {
      const delay = plan.delays.filter((d) => d.municipalityCode === municipality);
      const key = keys.delay(payout.providerId, payout.programCode, municipality);
      if (!delay.length) return { Delete: { TableName: this.table.name, Key: key } };
      const record: DelayRecord = { providerId: payout.providerId, programCode: payout.programCode, municipalityCode: municipality, amount: delay.reduce((n, d) => n + d.amount, 0), reason: delay[0]!.reason, fromDay: delay[0]!.fromDay, payoutId: payout.payoutId, updatedAt: at };
      return { Put: { TableName: this.table.name, Item: { ...key, type: 'Delay', ...record, ...gsi1.delay(payout.providerId, payout.programCode, municipality) } } };
    });
  }

  /** PO-03: the run's allocation of a deposit, if decided. */
  async allocation(runId: string, municipalityCode: string, programCode: string): Promise<DepositAllocation | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.depositAllocation(runId, municipalityCode, programCode), ConsistentRead: true }));
    return out.Item ? entityOf<DepositAllocation>(out.Item) : null;
  }

  /** The first allocation kept wins; a later one (a shard racing it) gets the first. */
  async keepAllocation(allocation: DepositAllocation): Promise<DepositAllocation> {
    const Item = { ...keys.depositAllocation(allocation.runId, allocation.municipalityCode, allocation.programCode), type: 'DepositAllocation', ...allocation };
    const kept = await conditionalWrite(() => this.table.doc.send(new PutCommand({ TableName: this.table.name, Item, ConditionExpression: conditions.absent })));
    return kept ? allocation : (await this.allocation(allocation.runId, allocation.municipalityCode, allocation.programCode))!;
  }

  async returnFailedPayout(payout: Payout, resultCode: string, at: string): Promise<boolean> {
    const t = this.table.name;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: t,
          Key: keys.payout(payout.payoutId),
          UpdateExpression: 'SET #st = :failed, resultCode = :code, returnedAt = :at',
          ConditionExpression: conditions.sent,
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':failed': 'FAILED', ':sent': 'SENT', ':code': resultCode, ':at': at },
        },
      },
    ];
    const byBucket = new Map<string, { day: string; municipalityCode: string; amount: number }>();
    for (const d of payout.draws) {
      const k = `${d.day}#${d.municipalityCode}`;
      byBucket.set(k, { ...d, amount: (byBucket.get(k)?.amount ?? 0) + d.amount });
    }
    for (const d of byBucket.values()) items.push(bucketUpdate(t, { providerId: payout.providerId, programCode: payout.programCode, municipalityCode: d.municipalityCode, day: d.day }, { settled: -d.amount }));
    for (const d of payout.deposits) {
      items.push({ Update: { TableName: t, Key: keys.depositBalance(d.municipalityCode, payout.programCode), UpdateExpression: 'ADD balance :amt, paidTotal :minus', ExpressionAttributeValues: { ':amt': d.amount, ':minus': -d.amount } } });
      const months = Object.fromEntries(Object.entries(drawsByMonth(payout.draws.filter((x) => x.municipalityCode === d.municipalityCode))).map(([m, v]) => [m, -v]));
      const entry = { type: 'DepositOut', municipalityCode: d.municipalityCode, programCode: payout.programCode, amount: -d.amount, months, payoutId: payout.payoutId, providerId: payout.providerId, payDate: payout.payDate, at, returned: true };
      items.push({ Put: { TableName: t, Item: { ...keys.depositOut(d.municipalityCode, payout.programCode, payout.payDate, `${payout.payoutId}#RETURN`), ...entry }, ConditionExpression: conditions.absent } });
    }
    const refused = { type: 'RejectedAccount', providerId: payout.providerId, programCode: payout.programCode, accountNumber: payout.account?.accountNumber ?? '', bankCode: payout.account?.bankCode ?? '', resultCode, payoutId: payout.payoutId, at };
    items.push({ Put: { TableName: t, Item: { ...keys.rejectedAccount(payout.providerId, payout.programCode), ...refused } } });
    return (await transactWrite(this.table.doc, items)) === null;
  }

  async rejectedAccount(providerId: string, programCode: string): Promise<{ bankCode: string; accountNumber: string } | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.rejectedAccount(providerId, programCode), ConsistentRead: true }));
    return out.Item ? { bankCode: out.Item.bankCode as string, accountNumber: out.Item.accountNumber as string } : null;
  }

  async providerPayouts(providerId: string, payDate: string | undefined, page: PageRequest): Promise<Page<Payout>> {
    const pk = gsi1.providerPayoutPk(providerId);
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: payDate ? 'GSI1PK = :pk AND begins_with(GSI1SK, :d)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(payDate ? { ':d': `${payDate}#` } : {}) },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, pk),
    }));
    return pageOf((out.Items ?? []).map((i) => entityOf<Payout>(i)), out.LastEvaluatedKey);
  }

  async payDayPayouts(payDate: string, page: PageRequest): Promise<Page<Payout>> {
    const pk = gsi2.payDayPk(payDate);
    const out = await this.table.doc.send(new QueryCommand({ TableName: this.table.name, IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: page.limit, ExclusiveStartKey: decodeToken(page.nextToken, pk) }));
    return pageOf((out.Items ?? []).map((i) => entityOf<Payout>(i)), out.LastEvaluatedKey);
  }

  async markInstructionQueued(payoutId: string, at: string): Promise<void> {
    await this.table.doc.send(new UpdateCommand({ TableName: this.table.name, Key: keys.payout(payoutId), UpdateExpression: 'SET instructionQueuedAt = :at', ExpressionAttributeValues: { ':at': at } }));
  }

  async delays(providerId: string | undefined): Promise<DelayRecord[]> {
    const items = providerId
      ? await queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :d)', ExpressionAttributeValues: { ':pk': keys.providerPartition(providerId), ':d': keys.delayPrefix } })
      : await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.delaysPk } });
    return items.map((i) => entityOf<DelayRecord>(i));
  }

  async payees(shard: number): Promise<Payee[]> {
    const refs = await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.providerShardPk(shard) } });
    return refs.map((i) => ({ providerId: i.providerId as string, businessNumber: i.businessNumber as string, accounts: (i.accounts as PayoutAccount[] | undefined) ?? [] }));
  }
}
