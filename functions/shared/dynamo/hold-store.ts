/**
 * Holds in the table (domain.md §5, HOLD-01..03). Every money-relevant change is one
 * transaction: a hold is created together with its payment's open-hold count, conditioned on the
 * payment being approved and its amount still unpaid on its day; a hold's move is conditioned on the state it
 * was decided from, and changes the payment's counts and its day bucket in the same write.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { allowedFrom, type Hold, type HoldDecision, type HoldDocument, type HoldHistoryEntry, type HoldState, paymentEffect } from '../../../domain/screening/holds';
import type { HoldFilter, HoldMove, HoldPort, RaiseOutcome, ScreeningHoldPort } from '../../../domain/screening/ports';
import { type Evidence, evidenceKey, holdIdOf, type ScreenedPayment } from '../../../domain/screening/rules';
import { holdCountChange, type LedgerFact, screenedFact } from '../../../domain/settlement/ledger';
import type { Page, PageRequest } from '../../../domain/shared/ports';
import { batchGetAll, conditionalWrite, isConditionalFailure, type TransactItem, transactWrite } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, keys } from './keys';
import { decodeToken, pageOf } from './pagination';
import { type BucketChange, bucketUpdates, factMarker } from './ledger-store';

export const HOLD_RULES = ['SCR-01', 'SCR-02', 'SCR-03', 'SCR-04', 'HOLD-03'] as const;

/** Conditions spelled once. */
const conditions = {
  /** The hold does not exist yet: one hold per payment and rule. */
  absent: 'attribute_not_exists(PK)',
  /** The payment's hold counts are exactly the ones read (a missing count is zero). */
  countsAsRead: '(holdsOpen = :o OR (attribute_not_exists(holdsOpen) AND :o = :zero)) AND (holdsDenied = :d OR (attribute_not_exists(holdsDenied) AND :d = :zero))',
  /** The payment is still approved (not cancelled or refunded). */
  approved: '#s = :approved',
  /** The hold exists and has room for one more piece of evidence (or has this one). */
  evidenceRoom: 'attribute_exists(PK) AND (attribute_exists(evidence.#k) OR size(evidence) < :cap)',
  hasEvidence: 'attribute_exists(evidence.#k)',
  /** A hold keeping evidence is not voided for lost evidence. */
  noEvidence: 'size(evidence) = :zero',
  ownProvider: 'providerId = :provider',
  /** The provider may still submit evidence and fewer than `:max` uploads are issued. */
  takesDocuments: 'providerId = :provider AND #st IN (:a, :b) AND size(documents) < :max',
} as const;

/** Positions in a raise transaction: [hold, payment] per hold, then one update per day bucket. */
const raisePosition = (i: number) => ({ hold: 2 * i, payment: 2 * i + 1 });

/** Holds store evidence and documents as maps (idempotent adds); the API shows lists. */
export function toHold(item: Record<string, unknown>): Hold {
  const e = entityOf<Record<string, unknown>>(item);
  const evidence = Object.entries((e.evidence ?? {}) as Record<string, Evidence>).sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  const documents = Object.values((e.documents ?? {}) as Record<string, HoldDocument>).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.documentKey.localeCompare(b.documentKey));
  delete e.expiresAt;
  return { ...(e as unknown as Hold), evidence, documents, submittedDocumentKeys: (e.submittedDocumentKeys as string[] | undefined) ?? [], history: (e.history as HoldHistoryEntry[] | undefined) ?? [] };
}

interface CountItems {
  items: TransactItem[];
  bucket?: BucketChange;
}

interface PaymentCounts {
  status: string;
  open: number;
  denied: number;
}

export class DynamoHoldStore implements HoldPort, ScreeningHoldPort {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  private get doc() {
    return this.table.doc;
  }

  private paymentKey(h: Pick<Hold, 'providerId' | 'approvalNumber'>) {
    return keys.payment(h.providerId, h.approvalNumber);
  }

  private holdItem(hold: Hold) {
    const { evidence, documents, ...rest } = hold;
    return {
      ...keys.hold(hold.holdId),
      type: 'Hold',
      ...rest,
      evidence: Object.fromEntries(evidence.map((e) => [evidenceKey(e), e])),
      documents: Object.fromEntries(documents.map((d) => [d.documentKey, d])),
      ...gsi1.providerHold(hold.providerId, hold.paymentDate, hold.holdId),
      ...gsi2.holdDay(hold.paymentDate, hold.holdId),
    };
  }

  /** A payment's hold counts as they are now (strongly consistent), or null if it is gone. */
  private async counts(hold: Pick<Hold, 'providerId' | 'approvalNumber'>): Promise<PaymentCounts | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table.name, Key: this.paymentKey(hold), ConsistentRead: true, ProjectionExpression: '#s, holdsOpen, holdsDenied', ExpressionAttributeNames: { '#s': 'status' } }));
    if (!out.Item) return null;
    return { status: out.Item.status as string, open: (out.Item.holdsOpen as number | undefined) ?? 0, denied: (out.Item.holdsDenied as number | undefined) ?? 0 };
  }

  /**
   * The payment's counts change conditioned on the exact counts read, and its day bucket moves
   * with it (held / released / denied), so payouts always see what is held.
   */
  private countItems(hold: Hold, before: PaymentCounts, change: { open: number; denied: number }, onlyApproved = false, guarded = false): CountItems {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: this.paymentKey(hold),
          UpdateExpression: change.denied ? 'ADD holdsOpen :open, holdsDenied :denied' : 'ADD holdsOpen :open',
          ConditionExpression: onlyApproved ? `${conditions.countsAsRead} AND ${conditions.approved}` : conditions.countsAsRead,
          ExpressionAttributeValues: { ':open': change.open, ':o': before.open, ':d': before.denied, ':zero': 0, ...(change.denied ? { ':denied': change.denied } : {}), ...(onlyApproved ? { ':approved': 'APPROVED' } : {}) },
          ...(onlyApproved ? { ExpressionAttributeNames: { '#s': 'status' } } : {}),
        },
      },
    ];
    const deltas = holdCountChange(before, change, hold.amount);
    const bucket = Object.keys(deltas).length && hold.municipalityCode
      ? { ref: { providerId: hold.providerId, programCode: hold.programCode, municipalityCode: hold.municipalityCode, day: hold.paymentDate }, deltas, guarded }
      : undefined;
    return { items, ...(bucket ? { bucket } : {}) };
  }

  async raise(hold: Hold, finishing?: ScreenedPayment): Promise<RaiseOutcome> {
    const fact = finishing ? screenedFact(finishing) : null;
    const [outcome] = await this.raiseAll([hold], fact ?? undefined);
    return outcome!;
  }

  /**
   * All the holds or none (HOLD-03 places several at once); the outcome of each if none. A payment
   * is holdable while it is approved and its day still has its amount unpaid (a payment that is
   * already held was not paid, so it can take another hold).
   */
  async raiseAll(holds: Hold[], finishing?: LedgerFact): Promise<RaiseOutcome[]> {
    let fact = finishing;
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await Promise.all(holds.map((h) => this.counts(h)));
      const bad = before.map((c) => c === null || c.status !== 'APPROVED');
      // All or none: when one cannot be held, nothing is written (the others report 'raised' only as "not the problem").
      if (bad.some(Boolean)) return holds.map((_, i) => (bad[i] ? 'not-holdable' : 'raised'));
      const counted = holds.map((h, i) => this.countItems(h, before[i]!, { open: 1, denied: 0 }, true, true));
      // PO-02: screening's "finished" fact rides along (its marker last, its delta on the same bucket).
      const finished: BucketChange | undefined = fact ? { ref: fact, deltas: fact.deltas } : undefined;
      const buckets = bucketUpdates(this.table.name, [...counted.map((c) => c.bucket), finished]);
      const items = [
        ...holds.flatMap((h, i) => [{ Put: { TableName: this.table.name, Item: this.holdItem(h), ConditionExpression: conditions.absent } } as TransactItem, ...counted[i]!.items]),
        ...buckets,
        ...(fact ? [factMarker(this.table.name, fact, this.epochSeconds())] : []),
      ];
      const cancelled = await transactWrite(this.doc, items);
      if (cancelled === null) return holds.map(() => 'raised');
      // The fact was applied by an earlier delivery: raise without it.
      if (fact && cancelled.failed(items.length - 1)) {
        fact = undefined;
        continue;
      }
      // A day paid out past what these holds need (a bucket failing) makes its payments not holdable.
      const bucketFailed = cancelled.indexes.some((f) => f >= 2 * holds.length && f < 2 * holds.length + buckets.length);
      const outcomes = holds.map((_, i) => {
        const at = raisePosition(i);
        return cancelled.failed(at.hold) ? 'exists' : bucketFailed && counted[i]!.bucket ? 'not-holdable' : cancelled.failed(at.payment) ? 'retry' : 'raised';
      });
      // Only counts that moved meanwhile (a concurrent hold) are worth another attempt.
      if (outcomes.includes('exists') || outcomes.includes('not-holdable')) return outcomes.map((o) => (o === 'retry' ? 'raised' : o)) as RaiseOutcome[];
    }
    throw new Error('hold counts kept changing; try again');
  }

  async addEvidence(holdId: string, evidence: Evidence, cap: number): Promise<'added' | 'full' | 'absent'> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table.name,
        Key: keys.hold(holdId),
        UpdateExpression: 'SET evidence.#k = :e',
        ConditionExpression: conditions.evidenceRoom,
        ExpressionAttributeNames: { '#k': evidenceKey(evidence) },
        ExpressionAttributeValues: { ':e': evidence, ':cap': cap },
        // A refusal says whether the hold was there (full) or not (absent), without another read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return 'added';
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return (error as { Item?: unknown }).Item ? 'full' : 'absent';
    }
  }

  async evidenceKeys(holdIds: readonly string[]): Promise<Map<string, string[]>> {
    const items = await batchGetAll(this.doc, this.table.name, holdIds.map((id) => keys.hold(id)), { consistent: true, projection: 'holdId, evidence' });
    return new Map(items.map((i) => [i.holdId as string, Object.keys((i.evidence ?? {}) as object)]));
  }

  async dropEvidence(holdId: string, key: string): Promise<Hold | null> {
    try {
      const out = await this.doc.send(new UpdateCommand({
        TableName: this.table.name,
        Key: keys.hold(holdId),
        UpdateExpression: 'REMOVE evidence.#k',
        ConditionExpression: conditions.hasEvidence,
        ExpressionAttributeNames: { '#k': key },
        ReturnValues: 'ALL_NEW',
      }));
      return out.Attributes ? toHold(out.Attributes) : null;
    } catch (error) {
      if (isConditionalFailure(error)) return null;
      throw error;
    }
  }

  async hold(holdId: string): Promise<Hold | null> {
    const [item] = await batchGetAll(this.doc, this.table.name, [keys.hold(holdId)]);
    return item ? toHold(item) : null;
  }

  async holds(holdIds: readonly string[]): Promise<Hold[]> {
    const items = await batchGetAll(this.doc, this.table.name, holdIds.map((id) => keys.hold(id)));
    return items.map(toHold);
  }

  async holdsOfPayment(approvalNumber: string): Promise<Hold[]> {
    return this.holds(HOLD_RULES.map((r) => holdIdOf(approvalNumber, r)));
  }

  /** One hold's update, conditioned on the states its move is allowed from, with its payment and bucket. */
  private async moveItems(move: { hold: Hold; to: HoldState; from: readonly HoldState[]; set: Record<string, unknown>; entry: HoldHistoryEntry; keepingNoEvidence?: boolean; decision?: HoldDecision | null; ownProvider?: boolean }): Promise<CountItems> {
    const sets = Object.keys(move.set);
    const fromValues = Object.fromEntries(move.from.map((s, i) => [`:from${i}`, s]));
    const condition = [`#st IN (${Object.keys(fromValues).join(', ')})`, ...(move.ownProvider ? [conditions.ownProvider] : []), ...(move.keepingNoEvidence ? [conditions.noEvidence] : [])].join(' AND ');
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.hold(move.hold.holdId),
          UpdateExpression: `SET #st = :to, updatedAt = :at, history = list_append(history, :entry)${sets.map((k) => `, #${k} = :${k}`).join('')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#st': 'state', ...Object.fromEntries(sets.map((k) => [`#${k}`, k])) },
          ExpressionAttributeValues: {
            ':to': move.to, ':at': move.entry.at, ':entry': [move.entry], ...fromValues,
            ...Object.fromEntries(sets.map((k) => [`:${k}`, move.set[k]])),
            ...(move.ownProvider ? { ':provider': move.hold.providerId } : {}),
            ...(move.keepingNoEvidence ? { ':zero': 0 } : {}),
          },
        },
      },
    ];
    const effect = paymentEffect(move.hold.state, move.to, move.decision ?? null);
    if (effect.open !== 0 || effect.denied !== 0) {
      const before = await this.counts(move.hold);
      if (before) {
        const counted = this.countItems(move.hold, before, effect);
        return { items: [...items, ...counted.items], ...(counted.bucket ? { bucket: counted.bucket } : {}) };
      }
    }
    return { items };
  }

  async voidHold(hold: Hold, reason: NonNullable<Hold['voidReason']>, at: string): Promise<boolean> {
    if (!allowedFrom('VOIDED', 'system').includes(hold.state)) return false;
    const counted = await this.moveItems({
      hold,
      to: 'VOIDED',
      // The state read must still hold: the payment-count change depends on it.
      from: [hold.state],
      set: { voidReason: reason, releasedAt: at },
      entry: { at, by: 'screening', role: 'system', from: hold.state, to: 'VOIDED', comment: reason },
      keepingNoEvidence: reason === 'EVIDENCE_CANCELLED',
    });
    return (await transactWrite(this.doc, [...counted.items, ...bucketUpdates(this.table.name, [counted.bucket])])) === null;
  }

  /**
   * Moves holds together, all or none (HOLD-01). Each hold is conditioned on the exact state it
   * was checked in (and on its provider for provider actions), so a concurrent move makes the
   * whole action fail: 'conflict'.
   */
  async move(moves: HoldMove[]): Promise<'moved' | 'conflict'> {
    const counted = await Promise.all(moves.map((m) =>
      this.moveItems({
        hold: m.hold,
        to: m.to,
        from: [m.hold.state],
        decision: m.decision ?? null,
        entry: m.entry,
        ownProvider: m.actor === 'provider',
        set: {
          ...(m.decision ? { decision: m.decision } : {}),
          ...(m.decisionReason ? { decisionReason: m.decisionReason } : {}),
          ...(m.submittedDocumentKeys ? { submittedDocumentKeys: m.submittedDocumentKeys } : {}),
          ...(m.to === 'REVIEWED' && m.decision === 'PAY' ? { releasedAt: m.entry.at } : {}),
        },
      }),
    ));
    const items = [...counted.flatMap((c) => c.items), ...bucketUpdates(this.table.name, counted.map((c) => c.bucket))];
    return (await transactWrite(this.doc, items)) === null ? 'moved' : 'conflict';
  }

  /** Records an issued upload on the hold while the provider may still submit evidence. */
  async addDocument(hold: Hold, document: HoldDocument, maxDocuments: number): Promise<boolean> {
    return conditionalWrite(() => this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.hold(hold.holdId),
      UpdateExpression: 'SET documents.#k = :d, updatedAt = :at',
      ConditionExpression: conditions.takesDocuments,
      ExpressionAttributeNames: { '#k': document.documentKey, '#st': 'state' },
      ExpressionAttributeValues: { ':d': document, ':at': document.issuedAt, ':provider': hold.providerId, ':a': 'UNPROCESSED', ':b': 'SUPPLEMENT_REQUESTED', ':max': maxDocuments },
    })));
  }

  /** A provider's holds with payment dates in [from, to], newest first, filtered. */
  providerHolds(providerId: string, range: { from: string; to: string }, filter: HoldFilter, page: PageRequest): Promise<Page<Hold>> {
    return this.queryHolds('GSI1', 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to', gsi1.providerHoldPk(providerId), { ':from': `${range.from}#`, ':to': `${range.to}#~` }, filter, page, false);
  }

  /** All holds of one payment date (agency, municipality), filtered. */
  dayHolds(paymentDate: string, filter: HoldFilter, page: PageRequest): Promise<Page<Hold>> {
    return this.queryHolds('GSI2', 'GSI2PK = :pk', gsi2.holdDayPk(paymentDate), {}, filter, page, true);
  }

  /** One page of an index partition's holds; the token is checked to belong to that partition. */
  private async queryHolds(index: 'GSI1' | 'GSI2', keyCondition: string, pk: string, bounds: Record<string, string>, filter: HoldFilter, page: PageRequest, forward: boolean): Promise<Page<Hold>> {
    const f = filterExpression(filter);
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: index,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeValues: { ':pk': pk, ...bounds, ...f.values },
      ...(f.expression ? { FilterExpression: f.expression, ExpressionAttributeNames: f.names } : {}),
      ScanIndexForward: forward,
      Limit: page.limit,
      ExclusiveStartKey: decodeToken(page.nextToken, pk),
    }));
    return pageOf((out.Items ?? []).map(toHold), out.LastEvaluatedKey);
  }
}

function filterExpression(filter: HoldFilter) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    parts.push(`#f_${field} = :f_${field}`);
    names[`#f_${field}`] = field;
    values[`:f_${field}`] = value;
  }
  return { expression: parts.join(' AND '), names, values };
}
