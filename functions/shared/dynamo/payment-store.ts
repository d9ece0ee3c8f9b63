/**
 * DynamoDB side of payments. An approval is one `TransactWriteItems`:
 *   1. the terminal transaction record (PAY-09: the id is answered once),
 *   2. the voucher, conditioned on the version read (PAY-08: balance, sessions and day locks move together),
 *   3. the payment itself (the outbox entry: the table's stream carries it to screening),
 *   4. for retroactive payments, the card's count of the day (PAY-06).
 * Nothing is decided by read-then-write: a stale read only makes the transaction fail and the
 * decision run again on fresh data.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { approvalNumber, MAX_RETRO_PER_CARD_PER_DAY, type PayingCard, type PayingTerminal, type PayingWorker, type Payment, type VoucherBalance } from '../../../domain/payments/payment';
import type { ClaimHistoryEntry, HistoryItem, HistoryPayment, PaymentHistoryPort } from '../../../domain/payments/history';
import type { ApprovalNumbers, ApprovalWrite, ApproveOutcome, CancelOutcome, CancelWrite, PaymentPort, Reads, TransactionRecord } from '../../../domain/payments/ports';
import type { Contract } from '../../../domain/registry/entities';
import type { YearMonth } from '../../../domain/shared/calendar';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import { randomDigits } from '../clock';
import { TtlCache } from '../cache';
import { queryAll, type TransactItem, transactWrite } from './batch';
import { meter, meterTransactionWrite } from './capacity';
import { type Catalog, readCatalog } from './catalog';
import type { Table } from './client';
import { entityOf } from './items';
import { keys } from './keys';
import { decodeToken, pageOf } from './pagination';
import { RegistryFeed } from './registry-feed';

/** 승인번호: eight random digits after the date; the approval transaction takes each one once, system-wide (PAY-08). */
export const randomApprovalNumbers: ApprovalNumbers = {
  next: (approvalDate, drawFor) => approvalNumber(approvalDate, randomDigits(8, drawFor)),
};
/** An approval number is held this long: numbers start with their date, so only a day's can collide. */
const APPROVAL_NUMBER_RETENTION_SECONDS = 40 * 24 * 3600;
/** A terminal transaction id is remembered this long (retries come within minutes; audits later). */
const TRANSACTION_RETENTION_SECONDS = 400 * 24 * 3600;

export interface StoredTerminal extends PayingTerminal {
  secretSealed: string;
}

const strip = <T>(item: Record<string, unknown> | undefined): T | null => (item ? entityOf<T>(item) : null);

const asArray = (v: unknown): string[] => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []) as string[];

/** Conditions spelled once. */
const conditions = {
  /** PAY-08: the voucher exists and is at the version the decision read. */
  voucherAsRead: 'attribute_exists(PK) AND (#v = :ev OR (attribute_not_exists(#v) AND :ev = :zero))',
  /** PAY-06: the card's count of the day is below its cap. */
  belowCap: 'attribute_not_exists(#n) OR #n < :max',
  /** PAY-10: the payment is still approved, and was approved today. */
  approvedToday: '#s = :approved AND approvalDate = :today',
  /** The voucher is at the version read (a new one at zero). */
  versionAsRead: '#v = :ev OR (attribute_not_exists(#v) AND :ev = :zero)',
  /** PAY-07: the day's makeup lock is free or held by this payment. */
  makeupLockFree: 'attribute_not_exists(PK) OR approvalNumber = :a',
  /** A count to give back is above zero. */
  counted: '#n > :zero',
  /** The item does not exist yet: a key is taken once. */
  absent: 'attribute_not_exists(PK)',
} as const;

/** Positions in the approval transaction: the record, the voucher, the payment, then the PAY-06/07 limit. */
const APPROVAL_ITEMS = [0, 1, 2, 3, 4] as const;
/** Positions in the cancel transaction: the record, the payment (still approved today), the voucher. */
const CANCEL_ITEMS = [0, 1, 2] as const;

const transactionRecordOf = (item: Record<string, unknown>): TransactionRecord => ({ requestHash: item.requestHash as string, receipt: JSON.parse(item.receipt as string) as TransactionRecord['receipt'] });

function toBalance(item: Record<string, unknown>): VoucherBalance {
  const v = strip<VoucherBalance & { paidDays?: unknown }>(item)!;
  return { ...v, version: Number(v.version ?? 0), paidDays: asArray(v.paidDays) };
}

const voucherKeyOf = (key: { PK: string; SK: string }) => `${key.PK}|${key.SK}`;

/** The voucher after an approval written on `before` (the state it was decided on), or nothing known. */
function voucherAfter(before: VoucherBalance | undefined, plan: ApprovalWrite['plan']): VoucherBalance | null {
  if (!before || before.version !== plan.voucher.expectedVersion) return null;
  const { expectedVersion, ...left } = plan.voucher;
  return { ...before, ...left, version: expectedVersion + 1, paidDays: plan.dayLock ? [...new Set([...before.paidDays, plan.dayLock.day])] : before.paidDays };
}

/**
 * The items of an approval's transaction, in APPROVAL_ITEMS order: the transaction record, the
 * voucher as read, the payment, the approval number, then a PAY-06/07 limit. A session's end tag
 * (TIME-02) writes the same items and closes its session beside them.
 */
export function approvalItems(tableName: string, { plan, approvalNumber: number, receipt, requestHash, nowEpochSeconds }: ApprovalWrite): TransactItem[] {
  const p = plan.payment;
  const payment: Payment = { ...p, approvalNumber: number };
  const voucherKey = keys.voucher(p.recipientId, p.voucherMonth, p.serviceCode);
  const set = ['remainingAmount = :ra', 'remainingSessions = :rs', '#v = :nv'];
  const values: Record<string, unknown> = { ':ra': plan.voucher.remainingAmount, ':rs': plan.voucher.remainingSessions, ':nv': plan.voucher.expectedVersion + 1, ':ev': plan.voucher.expectedVersion };
  if (plan.voucher.remainingMinutes !== undefined) {
    set.push('remainingMinutes = :rm');
    values[':rm'] = plan.voucher.remainingMinutes;
  }
  let update = `SET ${set.join(', ')}`;
  if (plan.dayLock) {
    update += ` ADD ${plan.dayLock.list} :day`;
    values[':day'] = new Set([plan.dayLock.day]);
  }
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.terminalTransaction(p.terminalSerial, p.transactionId),
          type: 'TerminalTransaction',
          requestHash,
          approvalNumber: number,
          receipt: JSON.stringify(receipt),
          expiresAt: nowEpochSeconds + TRANSACTION_RETENTION_SECONDS,
        },
        ConditionExpression: conditions.absent,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: voucherKey,
        UpdateExpression: update,
        ConditionExpression: conditions.voucherAsRead,
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ...values, ':zero': 0 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.payment(p.providerId, number), type: 'Payment', ...payment },
        ConditionExpression: conditions.absent,
      },
    },
    {
      // PAY-08: the number is the system's, not the provider's: taken once across all providers.
      // It starts with its date, so it can only collide within its day; the item outlives that.
      Put: {
        TableName: tableName,
        Item: { ...keys.approvalNumber(number), type: 'ApprovalNumber', expiresAt: nowEpochSeconds + APPROVAL_NUMBER_RETENTION_SECONDS },
        ConditionExpression: conditions.absent,
      },
    },
  ];
  if (plan.makeupDay) {
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...keys.makeupLock(p.cardNumber, p.serviceCode, plan.makeupDay), type: 'MakeupLock', approvalNumber: number, expiresAt: nowEpochSeconds + 40 * 24 * 3600 },
        ConditionExpression: conditions.absent,
      },
    });
  }
  if (plan.retroDay) {
    items.push({
      Update: {
        TableName: tableName,
        Key: keys.retroCount(p.cardNumber, plan.retroDay),
        UpdateExpression: 'ADD #n :one SET expiresAt = if_not_exists(expiresAt, :exp)',
        ConditionExpression: conditions.belowCap,
        ExpressionAttributeNames: { '#n': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':max': MAX_RETRO_PER_CARD_PER_DAY, ':exp': nowEpochSeconds + 40 * 24 * 3600 },
      },
    });
  }
  return items;
}

/** Vouchers a container remembers (each a few hundred bytes): the approval's condition guards them, not an age. */
const VOUCHERS_HELD = 50_000;

export class DynamoPaymentStore implements PaymentPort, PaymentHistoryPort {
  // REG-08: registry facts are held until the registry feed names them (at most POLL_MS late).
  private readonly terminals = new TtlCache<StoredTerminal | null>(Infinity, 10_000);
  private readonly providers = new TtlCache<string | null>(Infinity, 10_000);
  private readonly workers = new TtlCache<PayingWorker | null>(Infinity, 50_000);
  private readonly cards = new TtlCache<PayingCard | null>(Infinity, 100_000);
  private readonly contracts = new TtlCache<Contract[]>(Infinity, 100_000);
  private readonly catalog = new TtlCache<Catalog>(Infinity, 1);
  /** PAY-08: each voucher as this container last read or wrote it; an approval is conditioned on its version. */
  private readonly vouchers = new Map<string, VoucherBalance>();
  private readonly feed: RegistryFeed;

  constructor(private readonly table: Table) {
    const byKind: Record<string, TtlCache<unknown>> = { terminal: this.terminals, provider: this.providers, wpid: this.workers, card: this.cards, contracts: this.contracts, catalog: this.catalog };
    this.feed = new RegistryFeed(
      table,
      (name) => {
        const at = name.indexOf(':');
        if (at < 0) byKind[name]?.clear();
        else byKind[name.slice(0, at)]?.forget(name.slice(at + 1));
      },
      () => Object.values(byKind).forEach((c) => c.clear()),
    );
  }

  private get doc(): DynamoDBDocumentClient {
    return this.table.doc;
  }

  private async get(key: { PK: string; SK: string }, consistent = false): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: consistent, ReturnConsumedCapacity: 'TOTAL' }));
    meter(out.ConsumedCapacity, 'read');
    return out.Item;
  }

  /** A registry fact from the cache (after the feed is heard) or, `fresh`, from the table. */
  private async fact<V>(cache: TtlCache<V>, id: string, reads: Reads, load: (consistent: boolean) => Promise<V>): Promise<V> {
    await this.feed.fresh();
    if (reads === 'fresh') cache.forget(id);
    return cache.get(id, () => load(reads === 'fresh'));
  }

  /** A terminal, cached until the registry feed names it; `fresh` reads it from the table again. */
  terminal(serial: string, fresh = false): Promise<StoredTerminal | null> {
    return this.fact(this.terminals, serial, fresh ? 'fresh' : 'cache', async (consistent) => strip<StoredTerminal>(await this.get(keys.terminal(serial), consistent)));
  }

  providerBusinessNumber(providerId: string, reads: Reads = 'cache'): Promise<string | null> {
    return this.fact(this.providers, providerId, reads, async (consistent) => ((await this.get(keys.provider(providerId), consistent))?.businessNumber as string | undefined) ?? null);
  }

  workerByPaymentId(paymentId: string, reads: Reads = 'cache'): Promise<PayingWorker | null> {
    return this.fact(this.workers, paymentId, reads, async (consistent) => {
      const pointer = await this.get(keys.workerPaymentId(paymentId), consistent);
      if (!pointer) return null;
      // Written with the worker in one transaction; items written before it carry only the id.
      if (pointer.worker) return pointer.worker as PayingWorker;
      return strip<PayingWorker>(await this.get(keys.worker(pointer.workerId as string), consistent));
    });
  }

  card(cardNumber: string, reads: Reads = 'cache'): Promise<PayingCard | null> {
    return this.fact(this.cards, cardNumber, reads, async (consistent) => strip<PayingCard>(await this.get(keys.card(cardNumber), consistent)));
  }

  async serviceType(serviceCode: string, reads: Reads = 'cache') {
    const { serviceTypes, programs } = await this.fact(this.catalog, 'catalog', reads, () => readCatalog(this.table));
    const serviceType = serviceTypes.get(serviceCode);
    return { serviceType, program: serviceType ? programs.get(serviceType.programCode) : undefined };
  }

  /**
   * The card holder's contracts and the voucher of the month. `fresh` (the default): one strongly
   * consistent Query. `cache`: the contracts as the registry feed vouches for and the voucher as
   * last seen here, reading only what the container lacks.
   */
  async holder(recipientId: string, month: YearMonth, serviceCode: string, reads: Reads = 'fresh'): Promise<{ contracts: Contract[]; voucher: VoucherBalance | null }> {
    const voucherKey = keys.voucher(recipientId, month, serviceCode);
    if (reads === 'cache') {
      await this.feed.fresh();
      const contracts = this.contracts.peek(recipientId);
      const voucher = this.vouchers.get(voucherKeyOf(voucherKey));
      if (contracts && voucher) return { contracts: await contracts, voucher };
      if (contracts) return { contracts: await contracts, voucher: await this.voucher(recipientId, month, serviceCode) };
    }
    const items = await queryAll(this.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': voucherKey.PK, ':from': keys.contractPrefix, ':to': voucherKey.SK },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    });
    const item = items.find((i) => i.SK === voucherKey.SK);
    const contracts = items.filter((i) => i.type === 'Contract').map((i) => strip<Contract>(i)!);
    const voucher = item ? toBalance(item) : null;
    this.contracts.set(recipientId, contracts);
    this.remember(voucherKey, voucher);
    return { contracts, voucher };
  }

  /** The voucher as it is now (strongly consistent: the version is the transaction's condition). */
  async voucher(recipientId: string, month: YearMonth, serviceCode: string): Promise<VoucherBalance | null> {
    const key = keys.voucher(recipientId, month, serviceCode);
    const item = await this.get(key, true);
    const voucher = item ? toBalance(item) : null;
    this.remember(key, voucher);
    return voucher;
  }

  /** Holds a voucher as read or written (none: forgets it). */
  private remember(key: { PK: string; SK: string }, voucher: VoucherBalance | null): void {
    const id = voucherKeyOf(key);
    this.vouchers.delete(id);
    if (!voucher) return;
    if (this.vouchers.size >= VOUCHERS_HELD) this.vouchers.delete(this.vouchers.keys().next().value!);
    this.vouchers.set(id, voucher);
  }

  async transactionRecord(serial: string, transactionId: string): Promise<TransactionRecord | null> {
    const item = await this.get(keys.terminalTransaction(serial, transactionId), true);
    return item ? transactionRecordOf(item) : null;
  }

  async payment(providerId: string, approval: string): Promise<Payment | null> {
    return strip<Payment>(await this.get(keys.payment(providerId, approval), true));
  }

  /** Writes an approval; the receipt the terminal gets is stored with it for replays (PAY-09). */
  async approve(write: ApprovalWrite): Promise<ApproveOutcome> {
    const { plan } = write;
    const items = approvalItems(this.table.name, write);
    const p = plan.payment;
    const voucherKey = keys.voucher(p.recipientId, p.voucherMonth, p.serviceCode);
    const cancelled = await transactWrite(this.doc, items, { conflicts: 'return' });
    if (cancelled === null) {
      meterTransactionWrite(items);
      this.remember(voucherKey, voucherAfter(this.vouchers.get(voucherKeyOf(voucherKey)), plan));
      return { kind: 'written' };
    }
    const [record, voucher, , , limit] = APPROVAL_ITEMS;
    if (cancelled.failed(record)) {
      const old = cancelled.oldItem(record);
      return { kind: 'duplicate', record: old ? transactionRecordOf(old) : null };
    }
    if (cancelled.failed(voucher)) {
      // The failed condition returns the voucher as it is: the next decision starts from it.
      const current = cancelled.oldItem(voucher);
      this.remember(voucherKey, current ? toBalance(current) : null);
      return { kind: 'stale-voucher' };
    }
    if (cancelled.failed(limit)) return { kind: plan.makeupDay ? 'makeup-taken' : 'retro-limit' };
    // A colliding approval number or a conflicting concurrent transaction: try again.
    return { kind: 'contention' };
  }

  /**
   * PAY-10: cancel and restore in one transaction, conditioned on the payment still being approved
   * today and on the voucher version read, so that the answer shows the exact balance after.
   */
  async cancel(input: CancelWrite): Promise<CancelOutcome> {
    const { payment, voucherVersion, restored, serial, transactionId, requestHash, receipt, cancelledAt, today, nowEpochSeconds } = input;
    // PAY-05/06: the service date is free again for a normal or retroactive payment.
    const dayList = payment.minutes === undefined && (payment.kind === 'NORMAL' || payment.kind === 'RETRO') ? 'paidDays' : null;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table.name,
          Item: { ...keys.terminalTransaction(serial, transactionId), type: 'TerminalTransaction', requestHash, approvalNumber: payment.approvalNumber, receipt: JSON.stringify(receipt), expiresAt: nowEpochSeconds + TRANSACTION_RETENTION_SECONDS },
          ConditionExpression: conditions.absent,
        },
      },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.payment(payment.providerId, payment.approvalNumber),
          UpdateExpression: 'SET #s = :cancelled, cancelledAt = :at',
          ConditionExpression: conditions.approvedToday,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':approved': 'APPROVED', ':at': cancelledAt, ':today': today },
        },
      },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.voucher(payment.recipientId, payment.voucherMonth, payment.serviceCode),
          UpdateExpression: `SET remainingAmount = :ra, remainingSessions = :rs, ${restored.remainingMinutes !== undefined ? 'remainingMinutes = :rm, ' : ''}#v = :nv${dayList ? ` DELETE ${dayList} :day` : ''}`,
          ConditionExpression: conditions.versionAsRead,
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: {
            ':ra': restored.remainingAmount, ':rs': restored.remainingSessions, ':nv': voucherVersion + 1, ':ev': voucherVersion, ':zero': 0,
            ...(restored.remainingMinutes !== undefined ? { ':rm': restored.remainingMinutes } : {}),
            ...(dayList ? { ':day': new Set([payment.serviceDate]) } : {}),
          },
        },
      },
    ];
    if (payment.kind === 'MAKEUP') {
      // PAY-07: the day is free again (a lock written before this item existed is simply absent).
      items.push({
        Delete: {
          TableName: this.table.name,
          Key: keys.makeupLock(payment.cardNumber, payment.serviceCode, payment.approvalDate),
          ConditionExpression: conditions.makeupLockFree,
          ExpressionAttributeValues: { ':a': payment.approvalNumber },
        },
      });
    }
    if (payment.kind === 'RETRO') {
      items.push({
        Update: {
          TableName: this.table.name,
          Key: keys.retroCount(payment.cardNumber, payment.approvalDate),
          UpdateExpression: 'ADD #n :minus',
          ConditionExpression: conditions.counted,
          ExpressionAttributeNames: { '#n': 'count' },
          ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
        },
      });
    }
    const cancelled = await transactWrite(this.doc, items, { conflicts: 'return' });
    // The restored voucher is read again by the next payment here (a cancel is rare).
    this.remember(keys.voucher(payment.recipientId, payment.voucherMonth, payment.serviceCode), null);
    if (cancelled === null) return 'cancelled';
    const [record, approved, voucher] = CANCEL_ITEMS;
    if (cancelled.failed(record)) return 'duplicate';
    if (cancelled.failed(approved)) return 'not-cancellable';
    if (cancelled.failed(voucher)) return 'stale-voucher';
    return 'contention';
  }

  /** PAY-13: a provider's payments of one approval month between two approval dates, by day. */
  async providerPayments(providerId: string, month: YearMonth, range: { from: string; to: string }, page: PageRequest): Promise<Page<HistoryItem>> {
    const pk = keys.providerPaymentMonth(providerId, month);
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': keys.paymentDayBound(range.from, false), ':to': keys.paymentDayBound(range.to, true) },
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, pk),
    }));
    // Approved claims (EXC-03) sit after the payments of the day they were approved.
    return pageOf((out.Items ?? []).map((i) => (i.type === 'ClaimHistory' ? entityOf<ClaimHistoryEntry>(i) : strip<HistoryPayment>(i)!)), out.LastEvaluatedKey);
  }
}
