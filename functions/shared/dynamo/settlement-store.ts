/**
 * The settlement ledger in the table (domain.md §6): day buckets with running totals, ledger
 * facts applied once, deposits per municipality × program, and payouts. A bucket change is an
 * `ADD` with a version bump, so concurrent facts never lose an update; a payout writes its buckets
 * and deposits in one transaction conditioned on the versions and balances it read.
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund } from '../../../domain/payments/refunds';
import type { Contract, PayoutAccount } from '../../../domain/registry/entities';
import type { DepositFacts, PayoutFacts } from '../../../domain/settlement/conservation';
import { type Bucket, type BucketTotals, type LedgerFact, type PayoutPlan, unsettled } from '../../../domain/settlement/ledger';
import type { Payout } from '../../../domain/settlement/payout';
import { addMonths } from '../../../domain/shared/calendar';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import { queryAll, type TransactItem, transactWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, keys } from './keys';
import { decodeToken, pageOf } from './pagination';

const FACT_RETENTION_SECONDS = 400 * 24 * 3600;
const TOTAL_FIELDS = ['approved', 'cancelled', 'held', 'released', 'denied', 'recovered', 'claims', 'settled'] as const;

export interface BucketRef {
  providerId: string;
  programCode: string;
  municipalityCode: string;
  day: string;
}

/**
 * The update that adds `deltas` to a bucket (created on first use) and marks it open, for use
 * inside any transaction. `condition` is added to the bucket's own condition.
 */
export function bucketUpdate(tableName: string, ref: BucketRef, deltas: Partial<BucketTotals>, condition?: string): TransactItem {
  const fields = Object.entries(deltas).filter(([, v]) => v !== undefined && v !== 0) as [string, number][];
  const open = gsi2.openBucket(ref.providerId, ref.programCode, ref.day, ref.municipalityCode);
  return {
    Update: {
      TableName: tableName,
      Key: keys.bucket(ref.providerId, ref.programCode, ref.day, ref.municipalityCode),
      UpdateExpression: `SET #type = :type, providerId = :p, programCode = :g, municipalityCode = :m, #day = :d, GSI2PK = :open, GSI2SK = :openSk ADD #version :one${fields.map(([f]) => `, #${f} :${f}`).join('')}`,
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: { '#type': 'type', '#day': 'day', '#version': 'version', ...Object.fromEntries(fields.map(([f]) => [`#${f}`, f])) },
      ExpressionAttributeValues: {
        ':type': 'LedgerBucket', ':p': ref.providerId, ':g': ref.programCode, ':m': ref.municipalityCode, ':d': ref.day, ':open': open.GSI2PK, ':openSk': open.GSI2SK, ':one': 1,
        ...Object.fromEntries(fields.map(([f, v]) => [`:${f}`, v])),
      },
    },
  };
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

export class DynamoSettlementStore {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  /** Applies a fact once: a second delivery finds its marker and changes nothing. */
  async apply(fact: LedgerFact): Promise<'applied' | 'duplicate'> {
    const failed = await transactWrite(this.table.doc, [
      { Put: { TableName: this.table.name, Item: { ...keys.ledgerFact(fact.factId), type: 'LedgerFact', ...fact, expiresAt: this.epochSeconds() + FACT_RETENTION_SECONDS }, ConditionExpression: 'attribute_not_exists(PK)' } },
      bucketUpdate(this.table.name, fact, fact.deltas),
    ]);
    return failed === null ? 'applied' : 'duplicate';
  }

  async bucket(ref: BucketRef): Promise<Bucket | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.bucket(ref.providerId, ref.programCode, ref.day, ref.municipalityCode), ConsistentRead: true }));
    return out.Item ? toBucket(out.Item) : null;
  }

  /** Buckets of a provider × program between two days (statements, reports). */
  async buckets(providerId: string, programCode: string, from: string, to: string): Promise<Bucket[]> {
    const items = await queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.ledgerPartition(providerId, programCode), ':from': `${from}#`, ':to': `${to}#~` },
      ConsistentRead: true,
    });
    return items.map(toBucket);
  }

  /**
   * Buckets with something unpaid up to a day, read again strongly consistent (the sparse index
   * is eventually consistent: it only says where to look).
   */
  async openBuckets(providerId: string, programCode: string, throughDay: string): Promise<Bucket[]> {
    const refs = await queryAll(this.table.doc, {
      TableName: this.table.name,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :to',
      ExpressionAttributeValues: { ':pk': gsi2.openBucketPk(providerId, programCode), ':to': `${throughDay}#~` },
      ProjectionExpression: 'PK, SK',
    });
    const fresh: Record<string, unknown>[] = [];
    for (let i = 0; i < refs.length; i += 100) {
      let pending = refs.slice(i, i + 100).map((r) => ({ PK: r.PK, SK: r.SK }));
      for (let round = 0; pending.length; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(round, 6)));
        const out = await this.table.doc.send(new BatchGetCommand({ RequestItems: { [this.table.name]: { Keys: pending, ConsistentRead: true } } }));
        fresh.push(...((out.Responses?.[this.table.name] ?? []) as Record<string, unknown>[]));
        pending = (out.UnprocessedKeys?.[this.table.name]?.Keys ?? []) as { PK: string; SK: string }[];
      }
    }
    return fresh.map(toBucket);
  }

  async depositBalance(municipalityCode: string, programCode: string): Promise<number> {
    return (await this.depositAccount(municipalityCode, programCode)).balance;
  }

  async payout(payoutId: string): Promise<Payout | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.payout(payoutId), ConsistentRead: true }));
    return out.Item ? entityOf<Payout>(out.Item) : null;
  }

  /**
   * PO-02/03 in one transaction: the payout, its buckets settled (each conditioned on the version
   * read; a bucket left with nothing unpaid leaves the open index), its deposits drawn (never below
   * zero) with a ledger entry each, and the provider's current delays.
   */
  async commit(payout: Payout | null, plan: PayoutPlan, settledBuckets: Bucket[], at: string): Promise<'committed' | 'conflict' | 'exists'> {
    const t = this.table.name;
    const items: TransactItem[] = [];
    if (payout) {
      items.push({
        Put: {
          TableName: t,
          Item: { ...keys.payout(payout.payoutId), type: 'Payout', ...payout, ...gsi1.providerPayout(payout.providerId, payout.payDate, payout.payoutId), ...gsi2.payDay(payout.payDate, payout.payoutId) },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    const bucketKey = (b: Bucket) => keys.bucket(b.providerId, b.programCode, b.day, b.municipalityCode);
    for (const d of plan.draws) {
      const closes = unsettled(d.bucket) - d.amount === 0;
      items.push({
        Update: {
          TableName: t,
          Key: bucketKey(d.bucket),
          UpdateExpression: `SET lastSettledAt = :at ADD settled :amt, #version :one${closes ? ' REMOVE GSI2PK, GSI2SK' : ''}`,
          ConditionExpression: '#version = :v',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':at': at, ':amt': d.amount, ':one': 1, ':v': d.bucket.version },
        },
      });
    }
    for (const b of settledBuckets) {
      items.push({ Update: { TableName: t, Key: bucketKey(b), UpdateExpression: 'REMOVE GSI2PK, GSI2SK', ConditionExpression: '#version = :v', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':v': b.version } } });
    }
    for (const [municipality, drawn] of plan.deposits) {
      const programCode = payout!.programCode;
      items.push({
        Update: {
          TableName: t,
          Key: keys.depositBalance(municipality, programCode),
          UpdateExpression: 'ADD balance :minus, paidTotal :drawn',
          ConditionExpression: 'balance >= :drawn',
          ExpressionAttributeValues: { ':minus': -drawn, ':drawn': drawn },
        },
      });
      items.push({ Put: { TableName: t, Item: { ...keys.depositOut(municipality, programCode, payout!.payDate, payout!.payoutId), type: 'DepositOut', municipalityCode: municipality, programCode, amount: drawn, payoutId: payout!.payoutId, providerId: payout!.providerId, payDate: payout!.payDate, at } } });
    }
    if (payout) {
      const touched = new Set([...plan.draws.map((d) => d.bucket.municipalityCode), ...plan.delays.map((d) => d.municipalityCode)]);
      for (const municipality of touched) {
        const delay = plan.delays.filter((d) => d.municipalityCode === municipality);
        const key = keys.delay(payout.providerId, payout.programCode, municipality);
        if (delay.length) {
          items.push({
            Put: {
              TableName: t,
              Item: { ...key, type: 'Delay', providerId: payout.providerId, programCode: payout.programCode, municipalityCode: municipality, amount: delay.reduce((n, d) => n + d.amount, 0), reason: delay[0]!.reason, fromDay: delay[0]!.fromDay, payoutId: payout.payoutId, updatedAt: at, ...gsi1.delay(payout.providerId, payout.programCode, municipality) },
            },
          });
        } else items.push({ Delete: { TableName: t, Key: key } });
      }
    }
    if (items.length === 0) return 'committed';
    if (items.length > 100) throw new Error(`payout ${payout?.payoutId}: ${items.length} writes exceed one transaction; pay the oldest days first in a smaller run`);
    const failed = await transactWrite(this.table.doc, items);
    if (failed === null) return 'committed';
    return payout && failed.failed(0) ? 'exists' : 'conflict';
  }

  /**
   * CMS-04: a transfer the bank refused. In one transaction the payout becomes FAILED, its draws go
   * back to their buckets (unpaid again, so open), its deposits get the money back with a return
   * entry, and the refused account is remembered so that nothing is sent to it again.
   */
  async returnFailedPayout(payout: Payout, resultCode: string, at: string): Promise<boolean> {
    const t = this.table.name;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: t,
          Key: keys.payout(payout.payoutId),
          UpdateExpression: 'SET #st = :failed, resultCode = :code, returnedAt = :at',
          ConditionExpression: '#st = :sent',
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
      items.push({ Put: { TableName: t, Item: { ...keys.depositOut(d.municipalityCode, payout.programCode, payout.payDate, `${payout.payoutId}#RETURN`), type: 'DepositOut', municipalityCode: d.municipalityCode, programCode: payout.programCode, amount: -d.amount, payoutId: payout.payoutId, providerId: payout.providerId, payDate: payout.payDate, at, returned: true }, ConditionExpression: 'attribute_not_exists(PK)' } });
    }
    items.push({ Put: { TableName: t, Item: { ...keys.rejectedAccount(payout.providerId, payout.programCode), type: 'RejectedAccount', providerId: payout.providerId, programCode: payout.programCode, accountNumber: payout.account?.accountNumber ?? '', bankCode: payout.account?.bankCode ?? '', resultCode, payoutId: payout.payoutId, at } } });
    return (await transactWrite(this.table.doc, items)) === null;
  }

  /** The account a provider × program's last transfer was refused on, if any. */
  async rejectedAccount(providerId: string, programCode: string): Promise<{ bankCode: string; accountNumber: string } | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.rejectedAccount(providerId, programCode), ConsistentRead: true }));
    return out.Item ? { bankCode: out.Item.bankCode as string, accountNumber: out.Item.accountNumber as string } : null;
  }

  /** Records a deposit once (its id is its idempotency key) and adds it to the balance (PO-03). */
  async deposit(entry: { depositId: string; municipalityCode: string; programCode: string; amount: number; depositedAt: string; recordedBy: string; at: string }): Promise<'recorded' | 'duplicate'> {
    const failed = await transactWrite(this.table.doc, [
      { Put: { TableName: this.table.name, Item: { ...keys.depositIn(entry.municipalityCode, entry.programCode, entry.depositedAt, entry.depositId), type: 'DepositIn', ...entry }, ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.depositBalance(entry.municipalityCode, entry.programCode),
          UpdateExpression: 'SET #type = :type, municipalityCode = :m, programCode = :g, GSI1PK = :all, GSI1SK = :mg ADD balance :amt, depositedTotal :amt',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'DepositBalance', ':m': entry.municipalityCode, ':g': entry.programCode, ':amt': entry.amount, ':all': gsi1.depositAccount(entry.municipalityCode, entry.programCode).GSI1PK, ':mg': gsi1.depositAccount(entry.municipalityCode, entry.programCode).GSI1SK },
        },
      },
    ]);
    return failed === null ? 'recorded' : 'duplicate';
  }

  async depositAccount(municipalityCode: string, programCode: string): Promise<{ balance: number; depositedTotal: number; paidTotal: number }> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.depositBalance(municipalityCode, programCode), ConsistentRead: true }));
    return { balance: (out.Item?.balance as number | undefined) ?? 0, depositedTotal: (out.Item?.depositedTotal as number | undefined) ?? 0, paidTotal: (out.Item?.paidTotal as number | undefined) ?? 0 };
  }

  async providerPayouts(providerId: string, payDate: string | undefined, page: PageRequest): Promise<Page<Payout>> {
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: payDate ? 'GSI1PK = :pk AND begins_with(GSI1SK, :d)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi1.providerPayoutPk(providerId), ...(payDate ? { ':d': `${payDate}#` } : {}) },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, gsi1.providerPayoutPk(providerId)),
    }));
    return pageOf((out.Items ?? []).map((i) => entityOf<Payout>(i)), out.LastEvaluatedKey);
  }

  /** The payout's transfer instruction is on cms-outbound: a repeated run does not send it again. */
  async markInstructionQueued(payoutId: string, at: string): Promise<void> {
    await this.table.doc.send(new UpdateCommand({ TableName: this.table.name, Key: keys.payout(payoutId), UpdateExpression: 'SET instructionQueuedAt = :at', ExpressionAttributeValues: { ':at': at } }));
  }

  async payDayPayouts(payDate: string, page: PageRequest): Promise<Page<Payout>> {
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi2.payDayPk(payDate) },
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, gsi2.payDayPk(payDate)),
    }));
    return pageOf((out.Items ?? []).map((i) => entityOf<Payout>(i)), out.LastEvaluatedKey);
  }

  /** Current delays: a provider's, or all of them (agency). */
  async delays(providerId: string | undefined): Promise<Record<string, unknown>[]> {
    const items = providerId
      ? await queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :d)', ExpressionAttributeValues: { ':pk': keys.providerPartition(providerId), ':d': keys.delayPrefix } })
      : await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.delaysPk } });
    return items.map((i) => entityOf<Record<string, unknown>>(i));
  }

  /**
   * Every stored fact PO-08 needs, read with a paged Scan (an operator report: its cost grows with
   * the table, which is why it is on demand and not on the payment path).
   */
  async conservationFacts() {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(new ScanCommand({
        TableName: this.table.name,
        FilterExpression: '#type IN (:a, :b, :c, :d, :e, :f, :g, :h)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':a': 'DepositBalance', ':b': 'DepositIn', ':c': 'DepositOut', ':d': 'Voucher', ':e': 'Payment', ':f': 'LedgerBucket', ':g': 'Payout', ':h': 'Refund' },
        ExclusiveStartKey: start,
      }));
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey;
    } while (start);
    const of = (type: string) => items.filter((i) => i.type === type);
    const depositKey = (i: Record<string, unknown>) => `${i.municipalityCode}/${i.programCode}`;
    const deposits = new Map<string, DepositFacts>();
    const account = (i: Record<string, unknown>) =>
      deposits.get(depositKey(i)) ?? deposits.set(depositKey(i), { municipalityCode: i.municipalityCode as string, programCode: i.programCode as string, balance: 0, depositedTotal: 0, paidTotal: 0, entriesIn: 0, entriesOut: 0 }).get(depositKey(i))!;
    for (const b of of('DepositBalance')) Object.assign(account(b), { balance: (b.balance as number) ?? 0, depositedTotal: (b.depositedTotal as number) ?? 0, paidTotal: (b.paidTotal as number) ?? 0 });
    for (const e of of('DepositIn')) account(e).entriesIn += e.amount as number;
    for (const e of of('DepositOut')) account(e).entriesOut += e.amount as number;
    const restored = new Map(of('Refund').filter((r) => r.state === 'APPROVED').map((r) => [r.refundId as string, Boolean(r.restored)]));
    return {
      deposits: [...deposits.values()],
      vouchers: of('Voucher').map((v) => ({ recipientId: v.recipientId as string, month: v.month as string, serviceCode: v.serviceCode as string, grantedAmount: v.grantedAmount as number, remainingAmount: v.remainingAmount as number })),
      payments: of('Payment').map((p) => ({ ...entityOf<Payment>(p), restored: p.refundId ? restored.get(p.refundId as string) ?? false : false })),
      buckets: of('LedgerBucket').map(toBucket),
      payouts: of('Payout').map((p) => entityOf<PayoutFacts>(p)),
    };
  }

  /** PO-07: the payments, refund recoveries and claims on the days a payout paid. */
  async statementFacts(payout: Payout) {
    const days = [...new Set(payout.draws.map((d) => d.day))].sort();
    const municipalitiesOf = (day: string) => new Set(payout.draws.filter((d) => d.day === day).map((d) => d.municipalityCode));
    const payments = (
      await Promise.all(days.map((day) => queryAll(this.table.doc, {
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.providerPaymentMonth(payout.providerId, day.slice(0, 7)), ':from': keys.paymentDayBound(day, false), ':to': keys.paymentDayBound(day, true) },
      })))
    ).flatMap((items, i) => items.map((item) => entityOf<Payment & { holdsOpen?: number; holdsDenied?: number }>(item)).filter((p) => p.programCode === payout.programCode && municipalitiesOf(days[i]!).has(p.municipalityCode)));
    const refunds = (await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.providerRefundPk(payout.providerId) } }))
      .map((i) => entityOf<Refund>(i))
      .filter((r) => r.state === 'APPROVED' && r.programCode === payout.programCode && r.recoveredOn !== undefined && days.includes(r.recoveredOn) && municipalitiesOf(r.recoveredOn).has(r.municipalityCode));
    const claims = (await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.providerClaimPk(payout.providerId) } }))
      .map((i) => entityOf<Claim>(i))
      .filter((c) => c.state === 'APPROVED' && c.programCode === payout.programCode && c.payableOn !== undefined && days.includes(c.payableOn));
    return { payments, recoveries: refunds, claims };
  }

  /** PO-06 inputs: deposit accounts (one, or all for the agency) and what each month grants. */
  async forecastFacts(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }, fromMonth: string, toMonth: string) {
    const accounts = (await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.depositAccountsPk } }))
      .filter((a) => (!filter.municipalityCode || a.municipalityCode === filter.municipalityCode) && (!filter.programCode || a.programCode === filter.programCode));
    return Promise.all(accounts.map(async (a) => {
      const counters = await queryAll(this.table.doc, {
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.grantedPartition(a.municipalityCode as string, a.programCode as string), ':from': addMonths(fromMonth, -3), ':to': `${toMonth}~` },
      });
      const granted = new Map<string, number>();
      for (const c of counters) granted.set(c.month as string, (granted.get(c.month as string) ?? 0) + (c.granted as number));
      const balance = await this.depositBalance(a.municipalityCode as string, a.programCode as string);
      return { municipalityCode: a.municipalityCode as string, programCode: a.programCode as string, balance, granted };
    }));
  }

  /** The providers of one shard with their payout accounts (PO-02: one payout per account). */
  async providersOfShard(shard: number): Promise<{ providerId: string; businessNumber: string; accounts: PayoutAccount[] }[]> {
    const refs = await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.providerShardPk(shard) } });
    return refs.map((i) => ({ providerId: i.providerId as string, businessNumber: i.businessNumber as string, accounts: (i.accounts as PayoutAccount[] | undefined) ?? [] }));
  }
}
