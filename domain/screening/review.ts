/**
 * The hold workflow's use cases (검토단계, domain.md §5, HOLD-01..03): lists, a provider's
 * withdraw or submit on one event's holds, evidence uploads, the agency's review, and manual
 * holds. Every move is checked against holds.ts's table here and written by the store
 * conditioned on the state it was checked in, so a refused or raced move changes nothing.
 */
import type { Payment } from '../payments/payment';
import { addDays, formatKst, type IsoDate } from '../shared/calendar';
import type { Caller, Clock, Page, PageRequest } from '../shared/ports';
import { type Issue, type Refused } from '../shared/result';
import { holdOf } from './flow';
import { checkDocument, checkGroup, checkMove, type Hold, type HoldDecision, holdShownTo, type HoldView, type HoldHistoryEntry, type HoldRefusal, type HoldState } from './holds';
import type { EvidenceFiles, HoldFilter, HoldMove, HoldPort, RaiseOutcome } from './ports';
import { holdIdOf } from './rules';

/** Evidence files issued per hold. */
export const MAX_DOCUMENTS_PER_HOLD = 20;
/** Lists by payment date across all providers cover at most this many days per request. */
export const MAX_LIST_DAYS = 31;

export interface HoldDeps {
  holds: HoldPort;
  payments: { payment(providerId: string, approvalNumber: string): Promise<Payment | null> };
  files: EvidenceFiles;
  clock: Clock;
  newId(): string;
}

/** Everything the workflow may refuse: the table's refusals and the store's answers. */
export type HoldWorkflowRefusal =
  | HoldRefusal
  | Refused<'NOT_FOUND', '§5' | 'HOLD-03'>
  | Refused<'CONCURRENT_CHANGE' | 'DOCUMENTS_CLOSED' | 'DOCUMENT_UNKNOWN' | 'DOCUMENT_NOT_UPLOADED', '§5'>
  | Refused<'ALREADY_HELD' | 'NOT_HOLDABLE', 'HOLD-03'>;

/** A refusal with the facts a person needs to act on it (which hold, which state). */
export interface HoldFailure {
  ok: false;
  refusal: HoldWorkflowRefusal;
  details: Record<string, unknown>;
}

export type HoldResult<T> = { ok: true; value: T } | HoldFailure;

const fail = (refusal: HoldWorkflowRefusal, details: Record<string, unknown> = {}): HoldFailure => ({ ok: false, refusal, details });
const ok = <T>(value: T): HoldResult<T> => ({ ok: true, value });
const notFound = (holdId: string) => fail({ code: 'NOT_FOUND', rule: '§5', message: `hold ${holdId} not found` }, { holdId });

/** Who may see a hold: its provider, the agency, the municipality whose recipient it concerns. */
export async function holdFor(deps: Pick<HoldDeps, 'holds'>, caller: Caller, holdId: string): Promise<HoldResult<HoldView>> {
  const found = await visibleHold(deps, caller, holdId);
  return found.ok ? ok(holdShownTo(caller, found.value)) : found;
}

async function visibleHold(deps: Pick<HoldDeps, 'holds'>, caller: Caller, holdId: string): Promise<HoldResult<Hold>> {
  const hold = await deps.holds.hold(holdId);
  // Another tenant's hold is answered like a missing one: its existence is not disclosed.
  if (!hold || !caller.sees(hold)) return notFound(holdId);
  return ok(hold);
}

const entry = (caller: Caller, at: string, hold: Hold, to: HoldState, extra: Partial<HoldHistoryEntry> = {}): HoldHistoryEntry => ({
  at, by: caller.sub, role: caller.role, from: hold.state, to, ...extra,
});

// ---- lists ----

/**
 * The payment dates a list covers: by default the 31 days up to today (or `to`); across all
 * providers at most 31 days per request.
 */
export function listRange(query: { from?: IsoDate | undefined; to?: IsoDate | undefined }, today: IsoDate, acrossProviders: boolean): { from: IsoDate; to: IsoDate } | Issue {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(MAX_LIST_DAYS - 1));
  if (from > to) return { path: 'query.from', code: 'VALIDATION_FAILED', message: 'from must not be after to' };
  if (acrossProviders && addDays(from, MAX_LIST_DAYS - 1) < to)
    return { path: 'query.from', code: 'VALIDATION_FAILED', message: `without providerId a list covers at most ${MAX_LIST_DAYS} days` };
  return { from, to };
}

/** Where a list stopped: the payment date it was reading, and the store's token within it. */
export interface HoldCursor {
  day: IsoDate;
  token?: string;
}

export interface HoldList {
  /** Who reads: each hold's evidence is shown as far as they may see it. */
  caller: Caller;
  range: { from: IsoDate; to: IsoDate };
  providerId?: string | undefined;
  filter: HoldFilter;
  limit: number;
}

/** One page of holds, newest payment date first; `next` is null on the last page. */
export async function listHolds(deps: Pick<HoldDeps, 'holds'>, list: HoldList, after?: HoldCursor): Promise<{ items: HoldView[]; next: HoldCursor | null }> {
  const page = await readHolds(deps, list, after);
  return { items: page.items.map((h) => holdShownTo(list.caller, h)), next: page.next };
}

async function readHolds(deps: Pick<HoldDeps, 'holds'>, list: HoldList, after?: HoldCursor): Promise<{ items: Hold[]; next: HoldCursor | null }> {
  const { range, filter, limit } = list;
  if (list.providerId !== undefined) {
    const page = await deps.holds.providerHolds(list.providerId, range, filter, { limit, ...(after?.token ? { nextToken: after.token } : {}) });
    return { items: page.items, next: page.nextToken ? { day: range.to, token: page.nextToken } : null };
  }
  // Across providers: one payment date at a time, newest first.
  let cursor: HoldCursor = after ?? { day: range.to };
  const items: Hold[] = [];
  for (;;) {
    const page = await deps.holds.dayHolds(cursor.day, filter, { limit: limit - items.length, ...(cursor.token ? { nextToken: cursor.token } : {}) });
    items.push(...page.items);
    if (page.nextToken) cursor = { day: cursor.day, token: page.nextToken };
    else if (cursor.day > range.from) cursor = { day: addDays(cursor.day, -1) };
    else return { items, next: null };
    if (items.length >= limit) return { items, next: cursor };
  }
}

// ---- provider actions (HOLD-01) ----

export interface HoldAction {
  action: 'WITHDRAW' | 'SUBMIT';
  holdIds: string[];
  comment?: string | undefined;
  documentKeys?: string[] | undefined;
}

/** HOLD-01: a provider withdraws or submits the holds of one event together, all or none. */
export async function actOnHolds(deps: Pick<HoldDeps, 'holds' | 'files' | 'clock'>, caller: Caller, action: HoldAction): Promise<HoldResult<HoldView[]>> {
  const at = formatKst(deps.clock.now());
  const holds = await deps.holds.holds(action.holdIds);
  for (const id of action.holdIds) {
    const hold = holds.find((h) => h.holdId === id);
    if (!hold || hold.providerId !== caller.providerId) return notFound(id);
  }
  const group = checkGroup(holds);
  if (group) return fail(group, { holdIds: action.holdIds });
  const to = action.action === 'WITHDRAW' ? 'WITHDRAWN' : 'DOCUMENTS_SUBMITTED';
  for (const hold of holds) {
    const check = checkMove(hold, to, 'provider');
    if (!check.ok) return fail(check.refusal, { holdId: hold.holdId, state: hold.state });
  }
  const documentKeys = action.documentKeys ?? [];
  if (action.action === 'SUBMIT') {
    const problem = await checkSubmittedDocuments(deps.files, holds, documentKeys);
    if (problem) return problem;
  }
  const moves: HoldMove[] = holds.map((hold) => ({
    hold,
    to,
    actor: 'provider',
    entry: entry(caller, at, hold, to, { comment: action.comment }),
    ...(action.action === 'SUBMIT' ? { submittedDocumentKeys: documentKeys } : {}),
  }));
  if ((await deps.holds.move(moves)) === 'conflict' && !(await movedAlready(deps, moves)))
    return fail({ code: 'CONCURRENT_CHANGE', rule: '§5', message: 'a hold changed while this action was applied; nothing was changed, read the holds again' });
  return ok((await deps.holds.holds(action.holdIds)).map((h) => holdShownTo(caller, h)));
}

/**
 * Whether the moves that met a conflict are in the holds already — by this very request (its
 * write resent after a lost answer): each hold where the move takes it, its last entry this one.
 */
async function movedAlready(deps: Pick<HoldDeps, 'holds'>, moves: HoldMove[]): Promise<boolean> {
  const now = await deps.holds.holds(moves.map((m) => m.hold.holdId));
  return moves.every((m) => {
    const h = now.find((x) => x.holdId === m.hold.holdId);
    const last = h?.history.at(-1);
    return h?.state === m.to && last !== undefined && sameEntry(last, m.entry);
  });
}

const ENTRY_FIELDS = ['at', 'by', 'role', 'from', 'to', 'comment', 'decision'] as const;
const sameEntry = (a: HoldHistoryEntry, b: HoldHistoryEntry) => ENTRY_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));

/**
 * A submitted document must have been issued for one of these holds and must be stored now, with
 * the type and size it was issued for (the upload's signature enforces them; this is the second check).
 */
async function checkSubmittedDocuments(files: EvidenceFiles, holds: Hold[], documentKeys: string[]): Promise<HoldFailure | null> {
  for (const key of documentKeys) {
    const issued = holds.flatMap((h) => h.documents).find((d) => d.documentKey === key);
    if (!issued) return fail({ code: 'DOCUMENT_UNKNOWN', rule: '§5', message: `document ${key} was not issued for these holds` }, { documentKey: key });
    const stored = await files.stored(key);
    if (!stored) return fail({ code: 'DOCUMENT_NOT_UPLOADED', rule: '§5', message: `document ${key} has not been uploaded` }, { documentKey: key });
    const problem = checkDocument(stored) ?? (stored.size !== issued.size || stored.contentType !== issued.contentType
      ? { code: 'DOCUMENT_MISMATCH', rule: '§5', message: `document ${key} is not the file that was announced (type or size differ)` } as const
      : null);
    if (problem) return fail(problem, { documentKey: key });
  }
  return null;
}

export interface DocumentRequest {
  fileName: string;
  contentType: string;
  size: number;
}

/** A pre-signed upload for one evidence file of a hold the provider may still submit for. */
export async function issueDocument(deps: Pick<HoldDeps, 'holds' | 'files' | 'clock'>, caller: Caller, holdId: string, request: DocumentRequest): Promise<HoldResult<{ documentKey: string; upload: unknown }>> {
  const problem = checkDocument(request);
  if (problem) return fail(problem, { fields: [{ path: problem.code === 'DOCUMENT_TYPE_NOT_ALLOWED' ? 'contentType' : 'size', message: problem.message }] });
  const found = await visibleHold(deps, caller, holdId);
  if (!found.ok) return found;
  const hold = found.value;
  const check = checkMove(hold, 'DOCUMENTS_SUBMITTED', 'provider');
  if (!check.ok) return fail(check.refusal, { holdId: hold.holdId, state: hold.state });
  const documentKey = deps.files.newKey(hold.holdId, request.fileName);
  const doc = { documentKey, fileName: request.fileName, contentType: request.contentType, size: request.size, issuedAt: formatKst(deps.clock.now()) };
  if (!(await deps.holds.addDocument(hold, doc, MAX_DOCUMENTS_PER_HOLD)))
    return fail({ code: 'DOCUMENTS_CLOSED', rule: '§5', message: `hold ${hold.holdId} takes no more documents (it moved on, or has ${MAX_DOCUMENTS_PER_HOLD})` });
  return ok({ documentKey, upload: await deps.files.uploadFor(documentKey, request.contentType, request.size) });
}

// ---- agency review ----

export interface HoldReview {
  state: 'SUPPLEMENT_REQUESTED' | 'UNDER_REVIEW' | 'REVIEWED';
  decision?: HoldDecision | undefined;
  reason?: string | undefined;
}

/** The agency requests a supplement, takes a hold under review, or decides it `PAY` / `NO_PAY`. */
export async function reviewHold(deps: Pick<HoldDeps, 'holds' | 'clock'>, caller: Caller, holdId: string, review: HoldReview): Promise<HoldResult<HoldView>> {
  const at = formatKst(deps.clock.now());
  const found = await visibleHold(deps, caller, holdId);
  if (!found.ok) return found;
  const hold = found.value;
  const check = checkMove(hold, review.state, 'agency');
  if (!check.ok) return fail(check.refusal, { holdId: hold.holdId, state: hold.state });
  const move: HoldMove = {
    hold,
    to: review.state,
    actor: 'agency',
    entry: entry(caller, at, hold, review.state, { ...(review.reason ? { comment: review.reason } : {}), ...(review.decision ? { decision: review.decision } : {}) }),
    ...(review.decision ? { decision: review.decision } : {}),
    ...(review.reason && review.state === 'REVIEWED' ? { decisionReason: review.reason } : {}),
  };
  if ((await deps.holds.move([move])) === 'conflict' && !(await movedAlready(deps, [move]))) return fail({ code: 'CONCURRENT_CHANGE', rule: '§5', message: `hold ${hold.holdId} changed meanwhile; nothing was changed` });
  const after = await deps.holds.hold(hold.holdId);
  return after ? ok(holdShownTo(caller, after)) : notFound(hold.holdId);
}

// ---- manual holds (HOLD-03) ----

export interface ManualHold {
  providerId: string;
  approvalNumbers: string[];
  comment?: string | undefined;
}

/** HOLD-03: a municipality (its recipients' payments) or the agency holds payments, all or none. */
export async function placeManualHolds(deps: Pick<HoldDeps, 'holds' | 'payments' | 'clock' | 'newId'>, caller: Caller, request: ManualHold): Promise<HoldResult<Hold[]>> {
  const at = formatKst(deps.clock.now());
  const group = `HOLD-03#${request.providerId}#${deps.newId()}`;
  const holds: Hold[] = [];
  for (const approval of new Set(request.approvalNumbers)) {
    const p = await deps.payments.payment(request.providerId, approval);
    if (!p || !caller.sees({ providerId: p.providerId, municipalityCode: p.municipalityCode ?? null }))
      return fail({ code: 'NOT_FOUND', rule: 'HOLD-03', message: `payment ${approval} of provider ${request.providerId} not found` }, { approvalNumber: approval });
    const hold = holdOf({ ...p, municipalityCode: p.municipalityCode ?? null, status: p.status }, { ruleId: 'HOLD-03', ruleVersion: 1, groupKey: group, evidence: [] }, at);
    holds.push({ ...hold, history: [{ at, by: caller.sub, role: caller.role, from: null, to: 'UNPROCESSED', comment: request.comment }] });
  }
  const outcomes = await deps.holds.raiseAll(holds);
  // A hold that exists with this request's own group is this request's, its write resent after a
  // lost answer (simulation seed 1): placed, not ALREADY_HELD. Another request's group is another's.
  for (const [i, o] of outcomes.entries()) if (o === 'exists' && (await deps.holds.hold(holds[i]!.holdId))?.groupKey === group) outcomes[i] = 'raised';
  const bad = outcomes.map((o, i) => ({ o, hold: holds[i]! })).filter((x) => x.o !== 'raised');
  if (bad.length) {
    const problem = (o: RaiseOutcome) => (o === 'exists' ? 'ALREADY_HELD' : 'NOT_HOLDABLE');
    return fail(
      { code: problem(bad[0]!.o), rule: 'HOLD-03', message: 'no hold was placed: some payments are already held manually, or are cancelled, refunded or paid out' },
      { payments: bad.map((b) => ({ approvalNumber: b.hold.approvalNumber, holdId: holdIdOf(b.hold.approvalNumber, 'HOLD-03'), problem: problem(b.o) })) },
    );
  }
  return ok(holds);
}
