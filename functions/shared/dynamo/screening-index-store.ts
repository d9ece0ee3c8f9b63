/**
 * The screening index in the table (SCR-01/02): each payment under its worker and its recipient,
 * by approval instant and by service start, so that neighbours in a window are one range query.
 * Entries expire after the longest time a payment can still be held.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PersonRef, ScreeningIndexPort } from '../../../domain/screening/ports';
import type { ScreenedPayment } from '../../../domain/screening/rules';
import { formatKst } from '../../../domain/shared/calendar';
import { queryAll } from './batch';
import { meter } from './capacity';
import type { Table } from './client';
import { entityOf } from './items';
import { keys } from './keys';

/** Index entries outlive any payment that can still be held (payouts settle within weeks). */
const INDEX_RETENTION_SECONDS = 180 * 24 * 3600;

const kst = (instant: string) => formatKst(new Date(instant));
const personLetter = (kind: PersonRef['personKind']) => (kind === 'RECIPIENT' ? 'R' : 'W');

/** A payment is found by its approval instant only where SCR-01 compares it by that: a normal payment, or one without service times. */
const byApproval = (p: Pick<ScreenedPayment, 'kind' | 'serviceStartAt'>) => p.kind === 'NORMAL' || !p.serviceStartAt;

/**
 * The index keys of a payment under its worker and recipient: by service start, and by approval
 * instant where it can be compared by that (a retroactive or makeup payment never is, SCR-01).
 */
function indexKeys(p: Pick<ScreenedPayment, 'workerId' | 'recipientId' | 'approvedAt' | 'serviceStartAt' | 'approvalNumber' | 'kind'>) {
  const out = byApproval(p) ? [keys.screeningIndex('W', p.workerId, 'A', kst(p.approvedAt), p.approvalNumber), keys.screeningIndex('R', p.recipientId, 'A', kst(p.approvedAt), p.approvalNumber)] : [];
  if (p.serviceStartAt) {
    out.push(keys.screeningIndex('W', p.workerId, 'S', kst(p.serviceStartAt), p.approvalNumber), keys.screeningIndex('R', p.recipientId, 'S', kst(p.serviceStartAt), p.approvalNumber));
  }
  return out;
}

const INDEX_FIELDS = ['approvalNumber', 'providerId', 'programCode', 'serviceCode', 'recipientId', 'workerId', 'municipalityCode', 'channel', 'kind', 'amount', 'serviceDate', 'serviceStartAt', 'serviceEndAt', 'approvedAt'] as const;

function toScreened(item: Record<string, unknown>): ScreenedPayment {
  const e = entityOf<Record<string, unknown>>(item);
  return Object.fromEntries([...INDEX_FIELDS, 'status'].map((f) => [f, e[f] ?? null])) as unknown as ScreenedPayment;
}

export class DynamoScreeningIndex implements ScreeningIndexPort {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  private get doc() {
    return this.table.doc;
  }

  async index(payment: ScreenedPayment, screenedAt: Date): Promise<ScreenedPayment['status']> {
    const statuses = await Promise.all(
      indexKeys(payment).map(async (key, i) => {
        const out = await this.doc.send(new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: `SET #type = :type, ${INDEX_FIELDS.map((f) => `#${f} = :${f}`).join(', ')}, #status = if_not_exists(#status, :approved), screenedAt = if_not_exists(screenedAt, :at), screenedAtMs = if_not_exists(screenedAtMs, :ms), expiresAt = :exp`,
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status', ...Object.fromEntries(INDEX_FIELDS.map((f) => [`#${f}`, f])) },
          ExpressionAttributeValues: {
            ':type': 'ScreeningIndex', ':approved': 'APPROVED', ':at': formatKst(screenedAt), ':ms': screenedAt.getTime(), ':exp': this.epochSeconds() + INDEX_RETENTION_SECONDS,
            ...Object.fromEntries(INDEX_FIELDS.map((f) => [`:${f}`, payment[f] ?? null])),
          },
          ReturnValues: i === 0 ? 'UPDATED_NEW' : 'NONE',
          ReturnConsumedCapacity: 'TOTAL',
        }));
        meter(out.ConsumedCapacity, 'write');
        return out.Attributes?.status as ScreenedPayment['status'] | undefined;
      }),
    );
    return statuses[0] ?? 'APPROVED';
  }

  async withdraw(payment: ScreenedPayment): Promise<void> {
    await Promise.all(
      indexKeys(payment).map((key) =>
        this.doc.send(new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: `SET #type = :type, ${INDEX_FIELDS.map((f) => `#${f} = :${f}`).join(', ')}, #status = :status, expiresAt = :exp`,
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status', ...Object.fromEntries(INDEX_FIELDS.map((f) => [`#${f}`, f])) },
          ExpressionAttributeValues: {
            ':type': 'ScreeningIndex', ':status': payment.status, ':exp': this.epochSeconds() + INDEX_RETENTION_SECONDS,
            ...Object.fromEntries(INDEX_FIELDS.map((f) => [`:${f}`, payment[f] ?? null])),
          },
        })),
      ),
    );
  }

  async neighbours(payment: ScreenedPayment, window: { approved: { from: string; to: string } | null; serviceStart: { from: string; to: string } | null }, nearest?: number): Promise<ScreenedPayment[]> {
    // Each range is read outward from the payment's own instant when only the nearest are wanted.
    const ranges: { pk: string; from: string; to: string; forward: boolean }[] = [];
    const around = (pk: string, prefix: 'A' | 'S', range: { from: string; to: string }, pivot: string) => {
      if (nearest === undefined) return ranges.push({ pk, from: `${prefix}#${range.from}`, to: `${prefix}#${range.to}~`, forward: true });
      ranges.push({ pk, from: `${prefix}#${range.from}`, to: `${prefix}#${pivot}~`, forward: false }, { pk, from: `${prefix}#${pivot}`, to: `${prefix}#${range.to}~`, forward: true });
    };
    for (const [letter, id] of [['W', payment.workerId], ['R', payment.recipientId]] as const) {
      const pk = keys.screeningIndexPartition(letter, id);
      if (window.approved) around(pk, 'A', window.approved, kst(payment.approvedAt));
      if (window.serviceStart && payment.serviceStartAt) around(pk, 'S', window.serviceStart, kst(payment.serviceStartAt));
    }
    const results = await Promise.all(
      ranges.map(async ({ pk, from, to, forward }) => {
        const query = {
          TableName: this.table.name,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
          ScanIndexForward: forward,
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL' as const,
        };
        if (nearest === undefined) return queryAll(this.doc, query);
        // One more than wanted: the payment itself may be among them.
        const out = await this.doc.send(new QueryCommand({ ...query, Limit: nearest + 1 }));
        meter(out.ConsumedCapacity, 'read');
        return (out.Items ?? []).filter((i) => i.approvalNumber !== payment.approvalNumber).slice(0, nearest);
      }),
    );
    const byApproval = new Map<string, ScreenedPayment>();
    for (const item of results.flat()) {
      const p = toScreened(item);
      if (p.approvalNumber !== payment.approvalNumber && p.approvedAt) byApproval.set(p.approvalNumber, p);
    }
    return [...byApproval.values()];
  }

  /**
   * SCR-05: the person's payments approved on or after `since` that SCR-03/04 can match — those
   * whose service is on or after it (a service before it was approved before it, or is
   * retroactive and never matches evidence from a later date). Read by approval instant and by
   * service start, as each payment is indexed.
   */
  async paymentsOf(person: PersonRef, since: string): Promise<ScreenedPayment[]> {
    const pk = keys.screeningIndexPartition(personLetter(person.personKind), person.personId);
    const ranges = await Promise.all(['A', 'S'].map((by) => queryAll(this.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `${by}#${since}`, ':to': `${by}#~` },
      ConsistentRead: true,
    })));
    const found = new Map<string, ScreenedPayment>();
    for (const item of ranges.flat()) {
      const p = toScreened(item);
      if (kst(p.approvedAt).slice(0, 10) >= since) found.set(p.approvalNumber, p);
    }
    return [...found.values()];
  }

  async stillApproved(payment: ScreenedPayment): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.payment(payment.providerId, payment.approvalNumber), ConsistentRead: true, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } }));
    return out.Item?.status === 'APPROVED';
  }
}
