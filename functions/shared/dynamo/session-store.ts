/**
 * DynamoDB side of time sessions (TIME-01…03). A start tag is one `TransactWriteItems`: the
 * terminal transaction record, the session, and the two locks — the card × service type's and the
 * worker's — each taken only if free or held by a session already past its expiry. An end tag
 * closes the session (still OPEN) and releases its locks in the same transaction as the approval
 * (the voucher's amount and minutes as read, the payment, the approval number). Nothing is decided
 * by read-then-write.
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloseOutcome, CloseWrite, OpenOutcome, OpenWrite, SessionIds, SessionPort, TimeSession } from '../../../domain/payments/sessions';
import { addDays, formatKst, kstDate } from '../../../domain/shared/calendar';
import { randomDigits } from '../clock';
import { conditionalWrite, type TransactItem, transactWrite } from './batch';
import { meterTransactionWrite } from './capacity';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, keys } from './keys';
import { approvalItems } from './payment-store';

/** A terminal transaction id is remembered this long (as for payments). */
const TRANSACTION_RETENTION_SECONDS = 400 * 24 * 3600;
/** The sweep looks this many days back for sessions it has not expired yet (a sweep missed for days). */
const SWEEP_LOOKBACK_DAYS = 7;

export const randomSessionIds: SessionIds = {
  next: (startDate, drawFor) => `S${startDate.slice(2, 4)}${startDate.slice(5, 7)}${startDate.slice(8, 10)}${randomDigits(10, `session#${drawFor}`)}`,
};

const conditions = {
  absent: 'attribute_not_exists(PK)',
  /** TIME-01: the lock is free, or held by a session that has expired (TIME-03) and not been swept yet. */
  lockFree: 'attribute_not_exists(PK) OR lockedUntil < :now',
  /** The lock is this session's (or gone). */
  lockHeld: 'attribute_not_exists(PK) OR sessionId = :id',
  open: '#s = :open',
} as const;

const recordOf = (item: Record<string, unknown>) => ({ requestHash: item.requestHash as string, receipt: JSON.parse(item.receipt as string) });

export class DynamoSessionStore implements SessionPort {
  constructor(private readonly table: Table) {}

  private lock(key: { PK: string; SK: string }, s: TimeSession, nowMs: number): TransactItem {
    return {
      Put: {
        TableName: this.table.name,
        Item: { ...key, type: 'OpenSessionLock', sessionId: s.sessionId, lockedUntil: Date.parse(s.expiresAt), expiresAt: Math.floor(Date.parse(s.expiresAt) / 1000) + 86_400 },
        ConditionExpression: conditions.lockFree,
        ExpressionAttributeValues: { ':now': nowMs },
      },
    };
  }

  private release(key: { PK: string; SK: string }, s: TimeSession): TransactItem {
    return { Delete: { TableName: this.table.name, Key: key, ConditionExpression: conditions.lockHeld, ExpressionAttributeValues: { ':id': s.sessionId } } };
  }

  async openSession({ session, receipt, requestHash, nowEpochSeconds }: OpenWrite): Promise<OpenOutcome> {
    const nowMs = Date.parse(session.startedAt);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table.name,
          Item: { ...keys.terminalTransaction(session.terminalSerial, session.startTransactionId), type: 'TerminalTransaction', requestHash, sessionId: session.sessionId, receipt: JSON.stringify(receipt), expiresAt: nowEpochSeconds + TRANSACTION_RETENTION_SECONDS },
          ConditionExpression: conditions.absent,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      { Put: { TableName: this.table.name, Item: { ...keys.session(session.sessionId), ...gsi1.openSessionExpiry(session.expiresAt, session.sessionId), type: 'TimeSession', ...session }, ConditionExpression: conditions.absent } },
      this.lock(keys.openSessionOfCard(session.cardNumber, session.serviceCode), session, nowMs),
      this.lock(keys.openSessionOfWorker(session.workerId), session, nowMs),
    ];
    const cancelled = await transactWrite(this.table.doc, items, { conflicts: 'return' });
    if (cancelled === null) {
      meterTransactionWrite(items);
      return { kind: 'written' };
    }
    if (cancelled.failed(0)) {
      const old = cancelled.oldItem(0);
      return { kind: 'duplicate', record: old ? recordOf(old) : null };
    }
    if (cancelled.failed(2)) return { kind: 'card-open' };
    if (cancelled.failed(3)) return { kind: 'worker-open' };
    return { kind: 'contention' };
  }

  async session(sessionId: string): Promise<TimeSession | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.session(sessionId), ConsistentRead: true }));
    return out.Item ? entityOf<TimeSession>(out.Item) : null;
  }

  private closing(s: TimeSession, status: string, endedAt: string, approvalNumber?: string): TransactItem {
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.session(s.sessionId),
        UpdateExpression: `SET #s = :to, endedAt = :at${approvalNumber ? ', approvalNumber = :a' : ''} REMOVE GSI1PK, GSI1SK`,
        ConditionExpression: conditions.open,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':to': status, ':open': 'OPEN', ':at': endedAt, ...(approvalNumber ? { ':a': approvalNumber } : {}) },
      },
    };
  }

  async closeSession(write: CloseWrite): Promise<CloseOutcome> {
    const { session: s, approval } = write;
    const head: TransactItem[] = approval
      ? approvalItems(this.table.name, { ...approval, receipt: write.receipt as never, requestHash: write.requestHash, nowEpochSeconds: write.nowEpochSeconds })
      : [
          {
            Put: {
              TableName: this.table.name,
              Item: { ...keys.terminalTransaction(write.serial, write.transactionId), type: 'TerminalTransaction', requestHash: write.requestHash, sessionId: s.sessionId, receipt: JSON.stringify(write.receipt), expiresAt: write.nowEpochSeconds + TRANSACTION_RETENTION_SECONDS },
              ConditionExpression: conditions.absent,
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ];
    const at = head.length;
    const items = [...head, this.closing(s, write.status, write.endedAt, approval?.approvalNumber), this.release(keys.openSessionOfCard(s.cardNumber, s.serviceCode), s), this.release(keys.openSessionOfWorker(s.workerId), s)];
    const cancelled = await transactWrite(this.table.doc, items, { conflicts: 'return' });
    if (cancelled === null) {
      meterTransactionWrite(items);
      return { kind: 'written' };
    }
    if (cancelled.failed(0)) {
      const old = cancelled.oldItem(0);
      return { kind: 'duplicate', record: old ? recordOf(old) : null };
    }
    if (cancelled.failed(at)) return { kind: 'not-open' };
    if (approval && cancelled.failed(1)) return { kind: 'stale-voucher' };
    return { kind: 'contention' };
  }

  async expireSession(s: TimeSession, at: string): Promise<boolean> {
    const moved = await conditionalWrite(() => this.table.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.session(s.sessionId),
      UpdateExpression: 'SET #s = :expired, endedAt = :at REMOVE GSI1PK, GSI1SK',
      ConditionExpression: conditions.open,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':expired': 'EXPIRED', ':open': 'OPEN', ':at': at },
    })));
    // The locks go after the session: one left behind by a crash in between has expired with it,
    // and a later start takes it over (lockFree). A lock another session holds by now stays.
    for (const key of [keys.openSessionOfCard(s.cardNumber, s.serviceCode), keys.openSessionOfWorker(s.workerId)])
      await conditionalWrite(() => this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: key, ConditionExpression: 'sessionId = :id', ExpressionAttributeValues: { ':id': s.sessionId } })));
    return moved;
  }

  async expiredSessions(now: Date, limit: number): Promise<TimeSession[]> {
    const today = kstDate(now);
    const found: TimeSession[] = [];
    // Expiry instants are written in KST (`2026-03-10T22:00:00+09:00`), so they sort as instants.
    const bound = formatKst(now);
    for (let back = SWEEP_LOOKBACK_DAYS; back >= 0 && found.length < limit; back--) {
      const day = addDays(today, -back);
      const out = await this.table.doc.send(new QueryCommand({
        TableName: this.table.name,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :bound',
        ExpressionAttributeValues: { ':pk': gsi1.openSessionsOf(day), ':bound': bound },
        Limit: limit - found.length,
      }));
      for (const item of out.Items ?? []) found.push(entityOf<TimeSession>(item));
    }
    return found.slice(0, limit);
  }
}
