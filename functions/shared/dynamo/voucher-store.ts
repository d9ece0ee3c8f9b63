/** DynamoDB side of voucher generation and the providers' voucher listing (VCH-01..03). */
import { mapConcurrent } from '../../../domain/shared/concurrency';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Contract, ServiceType } from '../../../domain/registry/entities';
import type { YearMonth } from '../../../domain/shared/calendar';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import type { LapsedTotal, LapseReportPort, LapsingVoucher, VoucherLapsePort } from '../../../domain/vouchers/lapse';
import type { HeldVoucher, MidMonthVoucherPort, RecipientMonth, VoucherStore } from '../../../domain/vouchers/ports';
import type { MonthPlan, RecipientStanding, Voucher, VoucherOutcome } from '../../../domain/vouchers/voucher';
import { conditionalWrite, isConditionalFailure, queryAll, transactWrite } from './batch';
import { readCatalog } from './catalog';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, keys, shardOf } from './keys';
import { decodeToken, encodeToken } from './pagination';

const CATALOG_TTL_MS = 60_000;

/** DynamoDB's limit on one transaction. */
const TRANSACTION_ITEMS = 100;
/** Recipients read at once while a page is planned. */
const LOAD_CONCURRENCY = 16;

/** PO-06: the vouchers' grants summed per counter item (municipality × program × month × shard). */
function grantedCounters(vouchers: readonly { recipientId: string; month: string; municipalityCode: string; programCode: string; grantedAmount: number }[]) {
  const byKey = new Map<string, { recipientId: string; month: string; municipalityCode: string; programCode: string; granted: number; vouchers: number }>();
  for (const v of vouchers) {
    const k = `${v.municipalityCode}#${v.programCode}#${v.month}#${shardOf(v.recipientId)}`;
    const c = byKey.get(k) ?? byKey.set(k, { recipientId: v.recipientId, month: v.month, municipalityCode: v.municipalityCode, programCode: v.programCode, granted: 0, vouchers: 0 }).get(k)!;
    c.granted += v.grantedAmount;
    c.vouchers += 1;
  }
  return [...byKey.values()];
}

/** Conditions spelled once. */
const conditions = {
  /** VCH-01: one voucher per recipient × service × month. */
  absent: 'attribute_not_exists(PK)',
  /** A non-generation record never overwrites a generated one. */
  notGenerated: 'attribute_not_exists(PK) OR #status <> :generated',
  /** VCH-04: a voucher lapses once. */
  notLapsed: 'attribute_exists(PK) AND attribute_not_exists(lapsedAt)',
} as const;

export class DynamoVoucherStore implements VoucherStore, VoucherLapsePort, LapseReportPort, MidMonthVoucherPort {
  private catalog?: { at: number; value: Promise<ReadonlyMap<string, ServiceType>> };

  constructor(private readonly table: Table, private readonly now: () => number = Date.now) {}

  serviceTypes(options: { fresh?: boolean } = {}): Promise<ReadonlyMap<string, ServiceType>> {
    if (options.fresh || !this.catalog || this.now() - this.catalog.at > CATALOG_TTL_MS) {
      this.catalog = { at: this.now(), value: readCatalog(this.table).then((c) => c.serviceTypes) };
    }
    return this.catalog.value;
  }

  async recipientIds(shard: number, page: PageRequest): Promise<Page<string>> {
    const pk = gsi1.recipientShardPk(shard);
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'recipientId',
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, pk),
    }));
    const nextToken = encodeToken(out.LastEvaluatedKey);
    return { items: (out.Items ?? []).map((i) => i.recipientId as string), ...(nextToken ? { nextToken } : {}) };
  }

  async loadRecipientMonth(recipientId: string, month: YearMonth): Promise<RecipientMonth | null> {
    // One Query: the profile and contracts sort first, then the vouchers newest month first, down to this month's.
    const items = await queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk AND SK < :upper', ExpressionAttributeValues: { ':pk': keys.recipientPartition(recipientId), ':upper': keys.recipientMonthUpperBound(month) } });
    const profile = items.find((i) => i.type === 'Recipient');
    if (!profile) return null;
    const prefix = keys.voucherMonthPrefix(month);
    return {
      recipient: entityOf<RecipientStanding>(profile),
      contracts: items.filter((i) => i.type === 'Contract').map((i) => entityOf<Contract>(i)),
      vouchers: items.filter((i) => i.type === 'Voucher' && String(i.SK).startsWith(prefix)).map((i) => entityOf<Voucher>(i)),
    };
  }

  /** The recipients' registry and month, a few at a time (a page of generation). */
  loadRecipientMonths(recipientIds: readonly string[], month: YearMonth): Promise<(RecipientMonth | null)[]> {
    return mapConcurrent([...recipientIds], LOAD_CONCURRENCY, (id) => this.loadRecipientMonth(id, month));
  }

  async saveMonthPlan(plan: MonthPlan): Promise<number> {
    return this.saveMonthPlans([plan]);
  }

  /**
   * VCH-01 for a page of recipients: their vouchers, generation records and the granted counters
   * (summed per transaction) written in as few transactions as DynamoDB's 100 items allow. A
   * voucher another run created first cancels its transaction: that transaction's plans are then
   * written one by one, each all or nothing, so that what exists is never written again.
   */
  async saveMonthPlans(plans: readonly MonthPlan[]): Promise<number> {
    const granting = plans.filter((p) => p.vouchers.length > 0);
    const chunks: MonthPlan[][] = [];
    let chunk: MonthPlan[] = [];
    for (const plan of granting) {
      if (chunk.length > 0 && this.planItems([...chunk, plan]).length > TRANSACTION_ITEMS) {
        chunks.push(chunk);
        chunk = [];
      }
      chunk.push(plan);
    }
    if (chunk.length > 0) chunks.push(chunk);
    let created = 0;
    for (const group of chunks) {
      const count = group.reduce((n, p) => n + p.vouchers.length, 0);
      if (!(await transactWrite(this.table.doc, this.planItems(group)))) created += count;
      else if (group.length > 1) for (const plan of group) created += (await transactWrite(this.table.doc, this.planItems([plan]))) ? 0 : plan.vouchers.length;
    }
    // A plan that grants nothing has only records; a non-generation record never overwrites a generated one (the voucher exists and stays).
    const records = plans.filter((p) => p.vouchers.length === 0).flatMap((p) => p.outcomes.filter((o) => o.status === 'GENERATED'));
    await mapConcurrent(records, LOAD_CONCURRENCY, (o) => this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: this.outcomeItem(o) })));
    await mapConcurrent(plans.flatMap((p) => p.outcomes.filter((o) => o.status === 'NOT_GENERATED')), LOAD_CONCURRENCY, async (o) => {
      try {
        await this.table.doc.send(new PutCommand({
          TableName: this.table.name,
          Item: this.outcomeItem(o),
          ConditionExpression: conditions.notGenerated,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':generated': 'GENERATED' },
        }));
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    });
    return created;
  }

  /** One transaction's items for these plans: each voucher (VCH-01, only if absent), its generation record, the grants counted (PO-06). */
  private planItems(plans: readonly MonthPlan[]) {
    const vouchers = plans.flatMap((p) => p.vouchers);
    return [
      // VCH-01: one voucher per recipient × service × month, whoever runs the job how often.
      ...vouchers.map((v) => ({
        Put: {
          TableName: this.table.name,
          Item: { ...keys.voucher(v.recipientId, v.month, v.serviceCode), type: 'Voucher', ...v, remainingAmount: v.grantedAmount, remainingSessions: v.grantedSessions, ...(v.grantedMinutes !== undefined ? { remainingMinutes: v.grantedMinutes } : {}), version: 0 },
          ConditionExpression: conditions.absent,
        },
      })),
      ...plans.flatMap((p) => p.outcomes.filter((o) => o.status === 'GENERATED')).map((o) => ({ Put: { TableName: this.table.name, Item: this.outcomeItem(o) } })),
      // PO-06: what this month grants per municipality × program, counted with the vouchers.
      ...grantedCounters(vouchers).map((c) => ({
        Update: {
          TableName: this.table.name,
          Key: keys.grantedCounter(c.municipalityCode, c.programCode, c.month, shardOf(c.recipientId)),
          UpdateExpression: 'SET #type = :type, municipalityCode = :m, programCode = :g, #month = :month ADD granted :amt, vouchers :n',
          ExpressionAttributeNames: { '#type': 'type', '#month': 'month' },
          ExpressionAttributeValues: { ':type': 'GrantedCounter', ':m': c.municipalityCode, ':g': c.programCode, ':month': c.month, ':amt': c.granted, ':n': c.vouchers },
        },
      })),
    ];
  }

  /** VCH-04: the month's vouchers of these recipients (one Query each, a few at a time). */
  async vouchersOf(recipientIds: readonly string[], month: YearMonth): Promise<HeldVoucher[]> {
    const each = await mapConcurrent([...recipientIds], 8, (recipientId) =>
      queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': keys.recipientPartition(recipientId), ':prefix': keys.voucherMonthPrefix(month) } }));
    return each.flat().map((i) => entityOf<HeldVoucher>(i));
  }

  /**
   * VCH-04: what remains becomes lapsed, once, and is added to the month's lapse total in the same
   * transaction. The update is conditioned on the remainder it counts; if a refund moved it in
   * between, the voucher is read again and the lapse tried again.
   */
  async lapse(v: LapsingVoucher, at: string): Promise<boolean> {
    const key = keys.voucher(v.recipientId, v.month, v.serviceCode);
    let current: LapsingVoucher | null = v;
    for (let attempt = 0; attempt < 5 && current && !current.lapsedAt; attempt++) {
      const minutes = current.remainingMinutes;
      const failed = await transactWrite(this.table.doc, [
        {
          Update: {
            TableName: this.table.name,
            Key: key,
            // A TIME voucher's minutes lapse with it (§4.6); a SESSION voucher has none to name.
            UpdateExpression: `SET lapsedAmount = :amount, lapsedSessions = :sessions, remainingAmount = :zero, remainingSessions = :zero, ${minutes !== undefined ? 'lapsedMinutes = :minutes, remainingMinutes = :zero, ' : ''}lapsedAt = :at ADD #version :one`,
            ConditionExpression: `${conditions.notLapsed} AND remainingAmount = :amount AND remainingSessions = :sessions${minutes !== undefined ? ' AND remainingMinutes = :minutes' : ''}`,
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':zero': 0, ':at': at, ':one': 1, ':amount': current.remainingAmount, ':sessions': current.remainingSessions, ...(minutes !== undefined ? { ':minutes': minutes } : {}) },
          },
        },
        {
          Update: {
            TableName: this.table.name,
            Key: keys.lapseTally(v.month, v.municipalityCode, v.programCode),
            UpdateExpression: 'SET #type = :type, #month = :month, municipalityCode = :m, programCode = :g ADD vouchers :one, amount :amount, sessions :sessions, minutes :minutes',
            ExpressionAttributeNames: { '#type': 'type', '#month': 'month' },
            ExpressionAttributeValues: { ':type': 'LapseTally', ':month': v.month, ':m': v.municipalityCode, ':g': v.programCode, ':one': 1, ':amount': current.remainingAmount, ':sessions': current.remainingSessions, ':minutes': minutes ?? 0 },
          },
        },
      ]);
      if (failed === null) return true;
      const read = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }));
      current = read.Item ? entityOf<LapsingVoucher>(read.Item) : null;
    }
    if (current && !current.lapsedAt) throw new Error(`VCH-04: voucher ${v.recipientId} ${v.month} ${v.serviceCode} kept changing while it lapsed`);
    return false;
  }

  async lapsedTotals(month: YearMonth, municipalityCode: string | undefined): Promise<LapsedTotal[]> {
    const items = await queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: municipalityCode ? 'PK = :pk AND begins_with(SK, :m)' : 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.lapseTallyPartition(month), ...(municipalityCode ? { ':m': `${municipalityCode}#` } : {}) },
    });
    return items.map((i) => ({ month, municipalityCode: i.municipalityCode as string, programCode: i.programCode as string, vouchers: i.vouchers as number, amount: i.amount as number, sessions: i.sessions as number, minutes: i.minutes as number }));
  }

  private outcomeItem(o: VoucherOutcome) {
    return { ...keys.voucherOutcome(o.providerId, o.month, o.contractId), type: 'VoucherOutcome', ...o };
  }

  async listOutcomes(providerId: string, month: YearMonth, filter: { status?: VoucherOutcome['status'] }, page: PageRequest): Promise<Page<VoucherOutcome>> {
    const pk = keys.providerPartition(providerId);
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ...(filter.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.voucherOutcomePrefix(month), ...(filter.status ? { ':status': filter.status } : {}) },
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, pk),
    }));
    const nextToken = encodeToken(out.LastEvaluatedKey);
    return { items: (out.Items ?? []).map((i) => entityOf<VoucherOutcome>(i)), ...(nextToken ? { nextToken } : {}) };
  }

}
