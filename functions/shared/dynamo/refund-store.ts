/** Refunds (PAY-11): each state change is one transaction with the payment and, on approval, the voucher. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund, RefundPort } from '../../../domain/payments/refunds';
import { type TransactItem, transactWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, keys } from './keys';
import { decodeToken, encodeToken } from './pagination';
import { DynamoPaymentStore } from './payment-store';

const strip = (item: Record<string, unknown>): Refund => entityOf<Refund>(item);

/** Conditions spelled once. */
const conditions = {
  /** The refund id is new. */
  absent: 'attribute_not_exists(PK)',
  /** PAY-11: the payment is approved, has no open refund and was never held. */
  refundable: '#s = :approved AND attribute_not_exists(openRefundId) AND (attribute_not_exists(holdsOpen) OR holdsOpen = :zero) AND (attribute_not_exists(holdsDenied) OR holdsDenied = :zero)',
  /** A refund is decided once, from REQUESTED. */
  requested: '#st = :requested',
  /** The payment is approved and this is its open refund. */
  openRefundApproved: '#s = :approved AND openRefundId = :id',
  /** The voucher to restore exists. */
  exists: 'attribute_exists(PK)',
  /** This is the payment's open refund. */
  openRefund: 'openRefundId = :id',
} as const;

export class DynamoRefundStore implements RefundPort {
  private readonly payments: DynamoPaymentStore;

  constructor(private readonly table: Table) {
    this.payments = new DynamoPaymentStore(table);
  }

  /** The payment store's own read (consistent: a refund is decided on the payment as it is now). */
  payment(providerId: string, approvalNumber: string): Promise<Payment | null> {
    return this.payments.payment(providerId, approvalNumber);
  }

  async refund(refundId: string): Promise<Refund | null> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.refund(refundId), ConsistentRead: true }));
    return out.Item ? strip(out.Item) : null;
  }

  /** A new request; the payment holds at most one open refund. */
  async request(refund: Refund): Promise<'requested' | 'already-open' | 'payment-changed'> {
    const failed = await transactWrite(this.table.doc, [
      { Put: { TableName: this.table.name, Item: { ...keys.refund(refund.refundId), type: 'Refund', ...refund, ...gsi1.providerRefund(refund.providerId, refund.requestedAt, refund.refundId) }, ConditionExpression: conditions.absent } },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.payment(refund.providerId, refund.approvalNumber),
          UpdateExpression: 'SET openRefundId = :id',
          // A held or denied payment was never paid: it is settled through its hold, not refunded.
          ConditionExpression: conditions.refundable,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':id': refund.refundId, ':approved': 'APPROVED', ':zero': 0 },
        },
      },
    ]);
    if (failed === null) return 'requested';
    // A write resent after its answer was lost finds its own refund already there (the id is drawn once per request).
    const payment = (await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.payment(refund.providerId, refund.approvalNumber), ConsistentRead: true }))).Item;
    return payment?.openRefundId === refund.refundId ? 'requested' : 'already-open';
  }

  /** Approval: refund, payment and (while usable) voucher move together, once. */
  async approve(refund: Refund, payment: Payment, decided: Pick<Refund, 'decidedAt' | 'decidedBy' | 'decisionReason' | 'restored' | 'recoveredOn'>): Promise<boolean> {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.refund(refund.refundId),
          UpdateExpression: 'SET #st = :approved, decidedAt = :at, decidedBy = :by, restored = :restored, recoveredOn = :on' + (decided.decisionReason ? ', decisionReason = :reason' : ''),
          ConditionExpression: conditions.requested,
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: {
            ':approved': 'APPROVED', ':requested': 'REQUESTED', ':at': decided.decidedAt, ':by': decided.decidedBy, ':restored': decided.restored, ':on': decided.recoveredOn,
            ...(decided.decisionReason ? { ':reason': decided.decisionReason } : {}),
          },
        },
      },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.payment(payment.providerId, payment.approvalNumber),
          // recoveredOn: the payout cycle of this day recovers the amount (PAY-11).
          UpdateExpression: 'SET #s = :refunded, refundId = :id, refundedAt = :at, recoveredOn = :on REMOVE openRefundId',
          ConditionExpression: conditions.openRefundApproved,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':approved': 'APPROVED', ':id': refund.refundId, ':at': decided.decidedAt, ':on': decided.recoveredOn },
        },
      },
    ];
    if (decided.restored) {
      // §4.6: a time payment gives back its won and minutes; a session payment its won, one session and its date.
      const timed = payment.minutes !== undefined;
      const paysDay = !timed && (payment.kind === 'NORMAL' || payment.kind === 'RETRO');
      items.push({
        Update: {
          TableName: this.table.name,
          Key: keys.voucher(payment.recipientId, payment.voucherMonth, payment.serviceCode),
          // PAY-06: a refunded payment no longer stands for its service date.
          UpdateExpression: `ADD remainingAmount :amt, ${timed ? 'remainingMinutes :min' : 'remainingSessions :one'}, #v :one${paysDay ? ' DELETE paidDays :day' : ''}`,
          ConditionExpression: conditions.exists,
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':amt': payment.amount, ':one': 1, ...(timed ? { ':min': payment.minutes } : {}), ...(paysDay ? { ':day': new Set([payment.serviceDate]) } : {}) },
        },
      });
    }
    return (await transactWrite(this.table.doc, items)) === null;
  }

  async reject(refund: Refund, decided: Pick<Refund, 'decidedAt' | 'decidedBy' | 'decisionReason'>): Promise<boolean> {
    return (await transactWrite(this.table.doc, [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.refund(refund.refundId),
          UpdateExpression: 'SET #st = :rejected, decidedAt = :at, decidedBy = :by, decisionReason = :reason',
          ConditionExpression: conditions.requested,
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':rejected': 'REJECTED', ':requested': 'REQUESTED', ':at': decided.decidedAt, ':by': decided.decidedBy, ':reason': decided.decisionReason },
        },
      },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.payment(refund.providerId, refund.approvalNumber),
          UpdateExpression: 'REMOVE openRefundId',
          ConditionExpression: conditions.openRefund,
          ExpressionAttributeValues: { ':id': refund.refundId },
        },
      },
    ])) === null;
  }

  async providerRefunds(providerId: string, limit: number, nextToken?: string) {
    const pk = gsi1.providerRefundPk(providerId);
    const out = await this.table.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeToken(nextToken, pk),
    }));
    return { items: (out.Items ?? []).map(strip), nextToken: encodeToken(out.LastEvaluatedKey) };
  }
}
