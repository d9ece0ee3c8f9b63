/**
 * Screening and holds in the table (domain.md §5). Every money-relevant change is one
 * transaction: a hold is created together with its payment's open-hold count, conditioned on the
 * payment being approved and not paid out; a hold's move is conditioned on the state it was
 * decided from, and changes the payment's counts in the same write.
 */
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { allowedFrom, type Hold, type HoldDecision, type HoldDocument, type HoldHistoryEntry, type HoldState, paymentEffect } from '../../../domain/screening/holds';
import type { PersonRef, RaiseOutcome, ScreeningPort } from '../../../domain/screening/ports';
import { type Evidence, evidenceKey, holdIdOf, type PersonEvidence, type ScreenedPayment } from '../../../domain/screening/rules';
import { type BucketTotals, holdCountChange } from '../../../domain/settlement/ledger';
import { formatKst } from '../../../domain/shared/calendar';
import { batchGetAll, conditionalWrite, isConditionalFailure, queryAll, type TransactItem, transactWrite } from './batch';
import { meter } from './capacity';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, gsi2, keys } from './keys';
import { bucketUpdate } from './settlement-store';

/** Index entries outlive any payment that can still be held (payouts settle within weeks). */
const INDEX_RETENTION_SECONDS = 180 * 24 * 3600;
const HOLD_RULES = ['SCR-01', 'SCR-02', 'SCR-03', 'SCR-04', 'HOLD-03'] as const;

const kst = (instant: string) => formatKst(new Date(instant));
const personLetter = (kind: PersonRef['personKind']) => (kind === 'RECIPIENT' ? 'R' : 'W');

/** The index keys of a payment: by approval and by service start, under its worker and recipient. */
function indexKeys(p: Pick<ScreenedPayment, 'workerId' | 'recipientId' | 'approvedAt' | 'serviceStartAt' | 'approvalNumber'>) {
  const out = [keys.screeningIndex('W', p.workerId, 'A', kst(p.approvedAt), p.approvalNumber), keys.screeningIndex('R', p.recipientId, 'A', kst(p.approvedAt), p.approvalNumber)];
  if (p.serviceStartAt) {
    out.push(keys.screeningIndex('W', p.workerId, 'S', kst(p.serviceStartAt), p.approvalNumber), keys.screeningIndex('R', p.recipientId, 'S', kst(p.serviceStartAt), p.approvalNumber));
  }
  return out;
}

const INDEX_FIELDS = ['approvalNumber', 'providerId', 'programCode', 'serviceCode', 'recipientId', 'workerId', 'municipalityCode', 'channel', 'kind', 'amount', 'serviceDate', 'serviceStartAt', 'approvedAt'] as const;

function toScreened(item: Record<string, unknown>): ScreenedPayment {
  const e = entityOf<Record<string, unknown>>(item);
  return Object.fromEntries([...INDEX_FIELDS, 'status'].map((f) => [f, e[f] ?? null])) as unknown as ScreenedPayment;
}

/** Holds store evidence and documents as maps (idempotent adds); the API shows lists. */
export function toHold(item: Record<string, unknown>): Hold {
  const e = entityOf<Record<string, unknown>>(item);
  const evidence = Object.entries((e.evidence ?? {}) as Record<string, Evidence>).sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  const documents = Object.values((e.documents ?? {}) as Record<string, HoldDocument>).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.documentKey.localeCompare(b.documentKey));
  delete e.expiresAt;
  return { ...(e as unknown as Hold), evidence, documents, submittedDocumentKeys: (e.submittedDocumentKeys as string[] | undefined) ?? [], history: (e.history as HoldHistoryEntry[] | undefined) ?? [] };
}

function evidenceOf(ref: PersonRef, item: Record<string, unknown> | undefined): PersonEvidence {
  const movements = [...((item?.movements as Set<string> | undefined) ?? [])].map((m) => {
    const [date, direction] = m.split('#') as [string, 'DEPARTURE' | 'ENTRY'];
    return { date, direction };
  });
  return { personKind: ref.personKind, personId: ref.personId, deathDate: (item?.deathDate as string | undefined) ?? null, movements };
}

interface BucketSpec {
  ref: { providerId: string; programCode: string; municipalityCode: string; day: string };
  deltas: Partial<BucketTotals>;
  condition?: string;
}

interface CountItems {
  items: TransactItem[];
  bucket?: BucketSpec;
}

interface PaymentCounts {
  status: string;
  open: number;
  denied: number;
}

export interface HoldMove {
  hold: Hold;
  to: HoldState;
  actor: 'provider' | 'agency';
  entry: HoldHistoryEntry;
  decision?: HoldDecision;
  decisionReason?: string;
  submittedDocumentKeys?: string[];
}

interface HoldPage {
  items: Hold[];
  nextToken?: string;
}

export class DynamoScreeningStore implements ScreeningPort {
  constructor(private readonly table: Table, private readonly epochSeconds: () => number) {}

  private get doc() {
    return this.table.doc;
  }

  private paymentKey(h: Pick<Hold, 'providerId' | 'approvalNumber'>) {
    return keys.payment(h.providerId, h.approvalNumber);
  }

  // ---- screening index ----

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

  async neighbours(payment: ScreenedPayment, window: { approved: { from: string; to: string }; serviceStart: { from: string; to: string } | null }): Promise<ScreenedPayment[]> {
    const ranges: [string, string, string][] = [];
    for (const [letter, id] of [['W', payment.workerId], ['R', payment.recipientId]] as const) {
      const pk = keys.screeningIndexPartition(letter, id);
      ranges.push([pk, `A#${window.approved.from}`, `A#${window.approved.to}~`]);
      if (window.serviceStart) ranges.push([pk, `S#${window.serviceStart.from}`, `S#${window.serviceStart.to}~`]);
    }
    const results = await Promise.all(
      ranges.map(([pk, from, to]) =>
        queryAll(this.doc, {
          TableName: this.table.name,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    const byApproval = new Map<string, ScreenedPayment>();
    for (const item of results.flat()) {
      const p = toScreened(item);
      if (p.approvalNumber !== payment.approvalNumber && p.approvedAt) byApproval.set(p.approvalNumber, p);
    }
    return [...byApproval.values()];
  }

  async paymentsOf(person: PersonRef, since: string): Promise<ScreenedPayment[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.screeningIndexPartition(personLetter(person.personKind), person.personId), ':from': `A#${since}`, ':to': 'A#~' },
      ConsistentRead: true,
    });
    return items.map(toScreened);
  }

  async stillApproved(payment: ScreenedPayment): Promise<boolean> {
    return (await this.counts(payment))?.status === 'APPROVED';
  }

  // ---- evidence about people (SCR-03/04) ----

  /** Both people in one consistent read: evidence recorded before this read is always seen (SCR-05). */
  async people(refs: readonly PersonRef[]): Promise<PersonEvidence[]> {
    const out = await this.doc.send(new BatchGetCommand({
      RequestItems: { [this.table.name]: { Keys: refs.map((r) => keys.personEvidence(r.personKind, r.personId)), ConsistentRead: true } },
      ReturnConsumedCapacity: 'TOTAL',
    }));
    meter(out.ConsumedCapacity, 'read');
    if (Object.keys(out.UnprocessedKeys ?? {}).length) return this.peopleOneByOne(refs);
    const items = out.Responses?.[this.table.name] ?? [];
    return refs.map((ref) => evidenceOf(ref, items.find((i) => i.PK === keys.personEvidence(ref.personKind, ref.personId).PK)));
  }

  private async peopleOneByOne(refs: readonly PersonRef[]): Promise<PersonEvidence[]> {
    return Promise.all(refs.map(async (ref) => evidenceOf(ref, (await this.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.personEvidence(ref.personKind, ref.personId), ConsistentRead: true }))).Item)));
  }

  /** Records a death (a later record for the same person replaces it: corrections win). */
  async recordDeath(ref: PersonRef, deathDate: string, at: string): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.personEvidence(ref.personKind, ref.personId),
      UpdateExpression: 'SET #type = :type, personKind = :kind, personId = :id, deathDate = :d, updatedAt = :at',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'PersonEvidence', ':kind': ref.personKind, ':id': ref.personId, ':d': deathDate, ':at': at },
    }));
  }

  /** Adds a movement; the same record twice is one element of the set. */
  async recordMovement(ref: PersonRef, date: string, direction: 'DEPARTURE' | 'ENTRY', at: string): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.personEvidence(ref.personKind, ref.personId),
      UpdateExpression: 'SET #type = :type, personKind = :kind, personId = :id, updatedAt = :at ADD movements :m',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'PersonEvidence', ':kind': ref.personKind, ':id': ref.personId, ':m': new Set([`${date}#${direction}`]), ':at': at },
    }));
  }

  /** The recipients and workers a keyed RRN hash names (a person may be both). */
  async peopleByRrnHash(rrnHash: string): Promise<PersonRef[]> {
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi2.personPk(rrnHash) },
      ProjectionExpression: 'GSI2SK',
    }));
    return (out.Items ?? []).flatMap((i): PersonRef[] => {
      const [what, id] = String(i.GSI2SK).split('#') as [string, string];
      return what === 'RCPT' ? [{ personKind: 'RECIPIENT' as const, personId: id }] : what === 'WORKER' ? [{ personKind: 'WORKER' as const, personId: id }] : [];
    });
  }

  // ---- holds ----

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
  private countItems(hold: Hold, before: PaymentCounts, change: { open: number; denied: number }, extraPaymentCondition = '', bucketCondition?: string): CountItems {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: this.paymentKey(hold),
          UpdateExpression: change.denied ? 'ADD holdsOpen :open, holdsDenied :denied' : 'ADD holdsOpen :open',
          ConditionExpression: `(holdsOpen = :o OR (attribute_not_exists(holdsOpen) AND :o = :zero)) AND (holdsDenied = :d OR (attribute_not_exists(holdsDenied) AND :d = :zero))${extraPaymentCondition}`,
          ExpressionAttributeValues: { ':open': change.open, ':o': before.open, ':d': before.denied, ':zero': 0, ...(change.denied ? { ':denied': change.denied } : {}), ...(extraPaymentCondition ? { ':approved': 'APPROVED' } : {}) },
          ...(extraPaymentCondition ? { ExpressionAttributeNames: { '#s': 'status' } } : {}),
        },
      },
    ];
    const deltas = holdCountChange(before, change, hold.amount);
    const bucket = Object.keys(deltas).length && hold.municipalityCode
      ? { ref: { providerId: hold.providerId, programCode: hold.programCode, municipalityCode: hold.municipalityCode, day: hold.paymentDate }, deltas, ...(bucketCondition ? { condition: bucketCondition } : {}) }
      : undefined;
    return { items, ...(bucket ? { bucket } : {}) };
  }

  /** One update per bucket: holds of one day share a bucket, and a transaction touches an item once. */
  private bucketItems(specs: (BucketSpec | undefined)[]): TransactItem[] {
    const merged = new Map<string, BucketSpec>();
    for (const spec of specs) {
      if (!spec) continue;
      const k = `${spec.ref.day}#${spec.ref.municipalityCode}#${spec.ref.providerId}#${spec.ref.programCode}`;
      const seen = merged.get(k);
      if (!seen) merged.set(k, { ...spec, deltas: { ...spec.deltas } });
      else for (const [f, v] of Object.entries(spec.deltas) as [keyof BucketTotals, number][]) seen.deltas[f] = (seen.deltas[f] ?? 0) + v;
    }
    return [...merged.values()].map((b) => bucketUpdate(this.table.name, b.ref, b.deltas, b.condition));
  }

  async raise(hold: Hold): Promise<RaiseOutcome> {
    const [outcome] = await this.raiseAll([hold]);
    return outcome!;
  }

  /**
   * All the holds or none (HOLD-03 places several at once); the outcome of each if none. A payment
   * is holdable while it is approved and its day has not been paid out (a payment that is already
   * held was not paid, so it can take another hold).
   */
  async raiseAll(holds: Hold[]): Promise<RaiseOutcome[]> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await Promise.all(holds.map((h) => this.counts(h)));
      const bad = before.map((c) => c === null || c.status !== 'APPROVED');
      // All or none: when one cannot be held, nothing is written (the others report 'raised' only as "not the problem").
      if (bad.some(Boolean)) return holds.map((_, i) => (bad[i] ? 'not-holdable' : 'raised'));
      const counted = holds.map((h, i) => this.countItems(h, before[i]!, { open: 1, denied: 0 }, ' AND #s = :approved', 'attribute_not_exists(lastSettledAt)'));
      // Items: [hold, payment] per hold, then one update per day bucket.
      const items = [
        ...holds.flatMap((h, i) => [{ Put: { TableName: this.table.name, Item: this.holdItem(h), ConditionExpression: 'attribute_not_exists(PK)' } } as TransactItem, ...counted[i]!.items]),
        ...this.bucketItems(counted.map((c) => c.bucket)),
      ];
      const failed = await transactWrite(this.doc, items);
      if (failed === null) return holds.map(() => 'raised');
      // A paid-out day (a bucket failing) makes its payments not holdable.
      const bucketFailed = failed.indexes.some((f) => f >= 2 * holds.length);
      const outcomes = holds.map((h, i) => (failed.failed(2 * i) ? 'exists' : bucketFailed && counted[i]!.bucket ? 'not-holdable' : failed.failed(2 * i + 1) ? 'retry' : 'raised'));
      if (outcomes.includes('exists') || outcomes.includes('not-holdable')) return outcomes.map((o) => (o === 'retry' ? 'raised' : o)) as RaiseOutcome[];
    }
    throw new Error('hold counts kept changing; try again');
  }

  async addEvidence(holdId: string, evidence: Evidence, cap: number): Promise<void> {
    await conditionalWrite(() => this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.hold(holdId),
      UpdateExpression: 'SET evidence.#k = :e',
      ConditionExpression: 'attribute_exists(PK) AND (attribute_exists(evidence.#k) OR size(evidence) < :cap)',
      ExpressionAttributeNames: { '#k': evidenceKey(evidence) },
      ExpressionAttributeValues: { ':e': evidence, ':cap': cap },
    })));
  }

  async dropEvidence(holdId: string, key: string): Promise<Hold | null> {
    try {
      const out = await this.doc.send(new UpdateCommand({
        TableName: this.table.name,
        Key: keys.hold(holdId),
        UpdateExpression: 'REMOVE evidence.#k',
        ConditionExpression: 'attribute_exists(evidence.#k)',
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
  private async moveItems(move: { hold: Hold; to: HoldState; from: readonly HoldState[]; set: Record<string, unknown>; entry: HoldHistoryEntry; extraCondition?: string; extraValues?: Record<string, unknown>; decision?: HoldDecision | null; providerId?: string }): Promise<CountItems> {
    const sets = Object.keys(move.set);
    const fromValues = Object.fromEntries(move.from.map((s, i) => [`:from${i}`, s]));
    const providerCondition = move.providerId ? ' AND providerId = :provider' : '';
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.hold(move.hold.holdId),
          UpdateExpression: `SET #st = :to, updatedAt = :at, history = list_append(history, :entry)${sets.map((k) => `, #${k} = :${k}`).join('')}`,
          ConditionExpression: `#st IN (${Object.keys(fromValues).join(', ')})${providerCondition}${move.extraCondition ? ` AND ${move.extraCondition}` : ''}`,
          ExpressionAttributeNames: { '#st': 'state', ...Object.fromEntries(sets.map((k) => [`#${k}`, k])) },
          ExpressionAttributeValues: {
            ':to': move.to, ':at': move.entry.at, ':entry': [move.entry], ...fromValues,
            ...Object.fromEntries(sets.map((k) => [`:${k}`, move.set[k]])),
            ...(move.providerId ? { ':provider': move.providerId } : {}),
            ...move.extraValues,
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
      ...(reason === 'EVIDENCE_CANCELLED' ? { extraCondition: 'size(evidence) = :zero', extraValues: { ':zero': 0 } } : {}),
    });
    return (await transactWrite(this.doc, [...counted.items, ...this.bucketItems([counted.bucket])])) === null;
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
        ...(m.actor === 'provider' ? { providerId: m.hold.providerId } : {}),
        set: {
          ...(m.decision ? { decision: m.decision } : {}),
          ...(m.decisionReason ? { decisionReason: m.decisionReason } : {}),
          ...(m.submittedDocumentKeys ? { submittedDocumentKeys: m.submittedDocumentKeys } : {}),
          ...(m.to === 'REVIEWED' && m.decision === 'PAY' ? { releasedAt: m.entry.at } : {}),
        },
      }),
    ));
    const items = [...counted.flatMap((c) => c.items), ...this.bucketItems(counted.map((c) => c.bucket))];
    return (await transactWrite(this.doc, items)) === null ? 'moved' : 'conflict';
  }

  /** Records an issued upload on the hold while the provider may still submit evidence. */
  async addDocument(hold: Hold, document: HoldDocument, maxDocuments: number): Promise<boolean> {
    return conditionalWrite(() => this.doc.send(new UpdateCommand({
      TableName: this.table.name,
      Key: keys.hold(hold.holdId),
      UpdateExpression: 'SET documents.#k = :d, updatedAt = :at',
      ConditionExpression: 'providerId = :provider AND #st IN (:a, :b) AND size(documents) < :max',
      ExpressionAttributeNames: { '#k': document.documentKey, '#st': 'state' },
      ExpressionAttributeValues: { ':d': document, ':at': document.issuedAt, ':provider': hold.providerId, ':a': 'UNPROCESSED', ':b': 'SUPPLEMENT_REQUESTED', ':max': maxDocuments },
    })));
  }

  /** A provider's holds with payment dates in [from, to], newest first, filtered. */
  async providerHolds(providerId: string, from: string, to: string, filter: HoldFilter, limit: number, start?: Record<string, unknown>) {
    const f = filterExpression(filter);
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': gsi1.providerHoldPk(providerId), ':from': `${from}#`, ':to': `${to}#~`, ...f.values },
      ...(f.expression ? { FilterExpression: f.expression, ExpressionAttributeNames: f.names } : {}),
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: start,
    }));
    return { items: (out.Items ?? []).map(toHold), lastKey: out.LastEvaluatedKey };
  }

  /** All holds of one payment date (agency, municipality), filtered. */
  async dayHolds(paymentDate: string, filter: HoldFilter, limit: number, start?: Record<string, unknown>) {
    const f = filterExpression(filter);
    const out = await this.doc.send(new QueryCommand({
      TableName: this.table.name,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi2.holdDayPk(paymentDate), ...f.values },
      ...(f.expression ? { FilterExpression: f.expression, ExpressionAttributeNames: f.names } : {}),
      Limit: limit,
      ExclusiveStartKey: start,
    }));
    return { items: (out.Items ?? []).map(toHold), lastKey: out.LastEvaluatedKey };
  }
}

export interface HoldFilter {
  state?: string | undefined;
  ruleId?: string | undefined;
  providerId?: string | undefined;
  municipalityCode?: string | undefined;
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
