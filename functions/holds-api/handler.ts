/**
 * Payment holds (domain.md §5, HOLD-01..03):
 * - `GET /v1/holds` (provider: its own; agency; municipality: its recipients'), `GET /v1/holds/{id}`
 * - `POST /v1/holds/actions` (provider): withdraw or submit holds of one event together
 * - `POST /v1/holds/{id}/documents` (provider): a pre-signed upload for an evidence file
 * - `POST /v1/holds/{id}/review` (agency): supplement request, review, `PAY` / `NO_PAY`
 * - `POST /v1/holds` (municipality, agency): manual holds, reason `OTHER` (HOLD-03)
 * Every move is checked here against §5's table and written conditioned on the state it was
 * checked in; a refused or raced move changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { holdOf } from '../../domain/screening/flow';
import { checkDocument, checkGroup, checkMove, type Hold, type HoldHistoryEntry, type HoldRefusal, MAX_DOCUMENT_BYTES } from '../../domain/screening/holds';
import { holdIdOf } from '../../domain/screening/rules';
import { addDays, formatKst, kstDate } from '../../domain/shared/calendar';
import { documentRequest, holdAction, holdQuery, holdReview, manualHold } from '../../events/screening';
import { systemClock } from '../shared/clock';
import { presignUpload, storedDocument } from '../shared/documents';
import { dynamoTable } from '../shared/dynamo/client';
import { decodeCursor, encodeCursor } from '../shared/dynamo/pagination';
import { DynamoPaymentStore } from '../shared/dynamo/payment-store';
import { DynamoScreeningStore, type HoldFilter, type HoldMove } from '../shared/dynamo/screening-store';
import { ApiError, refusalError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { type Principal, providerFilter } from '../shared/tenancy';
import { routes } from './routes';
import { HOLD_STATUS } from './statuses';

/** Evidence files issued per hold. */
const MAX_DOCUMENTS_PER_HOLD = 20;
/** Lists by payment date across all providers cover at most this many days per request. */
const MAX_DAYS = 31;

let stores: { holds: DynamoScreeningStore; payments: DynamoPaymentStore } | undefined;
const db = () =>
  (stores ??= { holds: new DynamoScreeningStore(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000)), payments: new DynamoPaymentStore(dynamoTable()) });

/** Who may see a hold: its provider, the agency, the municipality whose recipient it concerns. */
function maySee(principal: Principal, hold: Hold): boolean {
  switch (principal.role) {
    case 'agency':
      return true;
    case 'provider':
      return hold.providerId === principal.providerId;
    case 'municipality':
      return hold.municipalityCode === principal.municipalityCode;
    default:
      return false;
  }
}

const holdRefused = (r: HoldRefusal, details: Record<string, unknown>) => refusalError(r, HOLD_STATUS[r.code], details);

const notFound = (holdId: string) => new ApiError('NOT_FOUND', 'NOT_FOUND', `hold ${holdId} not found`, { holdId });

async function visibleHold(principal: Principal, holdId: string): Promise<Hold> {
  const hold = await db().holds.hold(holdId);
  // Another provider's hold is answered like a missing one: its existence is not disclosed.
  if (!hold || !maySee(principal, hold)) throw notFound(holdId);
  return hold;
}

const entry = (principal: Principal, at: string, hold: Hold, to: Hold['state'], extra: Partial<HoldHistoryEntry> = {}): HoldHistoryEntry => ({
  at, by: principal.sub, role: principal.role, from: hold.state, to, ...extra,
});

// ---- lists ----

interface DayToken {
  day: string;
  key?: Record<string, unknown>;
}

const listQuery = holdQuery.extend(pageQuery);

export const list = route({ roles: ['provider', 'agency', 'municipality'], query: listQuery }, async ({ query, principal }) => {
  const today = kstDate(systemClock.now());
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(MAX_DAYS - 1));
  if (from > to) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'from must not be after to', { fields: [{ path: 'query.from', message: 'after to' }] });
  const filter: HoldFilter = { state: query.state, ruleId: query.ruleId };
  const providerId = providerFilter(principal, query.providerId);
  // A municipality always sees its own jurisdiction's holds, whatever it asks for.
  const municipalityCode = principal.role === 'municipality' ? principal.municipalityCode : query.municipalityCode;
  if (municipalityCode) filter.municipalityCode = municipalityCode;

  if (providerId !== undefined) {
    const start = query.nextToken ? decodeDayToken(query.nextToken).key : undefined;
    const page = await db().holds.providerHolds(providerId, from, to, filter, query.limit, start);
    return json(200, { items: page.items, nextToken: page.lastKey ? encodeDayToken({ day: to, key: page.lastKey }) : null });
  }

  // Across providers: one payment date at a time, newest first.
  if (addDays(from, MAX_DAYS - 1) < to)
    throw new ApiError('VALIDATION', 'VALIDATION_FAILED', `without providerId a list covers at most ${MAX_DAYS} days`, { fields: [{ path: 'query.from', message: `at most ${MAX_DAYS} days before to` }] });
  let cursor: DayToken = query.nextToken ? decodeDayToken(query.nextToken) : { day: to };
  if (cursor.day < from || cursor.day > to) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'nextToken is not valid for this query', { fields: ['nextToken'] });
  const items: Hold[] = [];
  for (;;) {
    const page = await db().holds.dayHolds(cursor.day, filter, query.limit - items.length, cursor.key);
    items.push(...page.items);
    if (page.lastKey) cursor = { day: cursor.day, key: page.lastKey };
    else if (cursor.day > from) cursor = { day: addDays(cursor.day, -1) };
    else return json(200, { items, nextToken: null });
    if (items.length >= query.limit) return json(200, { items, nextToken: encodeDayToken(cursor) });
  }
});

const encodeDayToken = (token: DayToken) => encodeCursor(token);
const decodeDayToken = (token: string) =>
  decodeCursor(token, (c): c is DayToken => typeof c === 'object' && c !== null && typeof (c as DayToken).day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test((c as DayToken).day) && ((c as DayToken).key === undefined || typeof (c as DayToken).key === 'object'));

export const get = route({ roles: ['provider', 'agency', 'municipality'] }, async ({ path, principal }) => json(200, await visibleHold(principal, path.holdId ?? '')));

// ---- provider actions (HOLD-01) ----

export const act = route({ roles: ['provider'], body: holdAction }, async ({ body, principal }) => {
  const at = formatKst(systemClock.now());
  const holds = await db().holds.holds(body.holdIds);
  for (const id of body.holdIds) {
    const hold = holds.find((h) => h.holdId === id);
    if (!hold || hold.providerId !== principal.providerId) throw notFound(id);
  }
  const group = checkGroup(holds);
  if (group) throw holdRefused(group, { holdIds: body.holdIds });
  const to = body.action === 'WITHDRAW' ? 'WITHDRAWN' : 'DOCUMENTS_SUBMITTED';
  for (const hold of holds) {
    const check = checkMove(hold, to, 'provider');
    if (!check.ok) throw holdRefused(check.refusal, { holdId: hold.holdId, state: hold.state });
  }
  const documentKeys = body.documentKeys ?? [];
  if (body.action === 'SUBMIT') await checkSubmittedDocuments(holds, documentKeys);
  const moves: HoldMove[] = holds.map((hold) => ({
    hold,
    to,
    actor: 'provider',
    entry: entry(principal, at, hold, to, { comment: body.comment }),
    ...(body.action === 'SUBMIT' ? { submittedDocumentKeys: documentKeys } : {}),
  }));
  if ((await db().holds.move(moves)) === 'conflict') throw new ApiError('CONFLICT', 'CONCURRENT_CHANGE', 'a hold changed while this action was applied; nothing was changed, read the holds again', { rule: '§5' });
  logger.info('holds moved by provider', { action: body.action, holdIds: body.holdIds });
  return json(200, { items: await db().holds.holds(body.holdIds) });
});

/**
 * A submitted document must have been issued for one of these holds and must be in S3 now, with
 * the type and size it was issued for (S3 enforces the signature; this is the second check).
 */
async function checkSubmittedDocuments(holds: Hold[], documentKeys: string[]): Promise<void> {
  for (const key of documentKeys) {
    const issued = holds.flatMap((h) => h.documents).find((d) => d.documentKey === key);
    if (!issued) throw new ApiError('RULE', 'DOCUMENT_UNKNOWN', `document ${key} was not issued for these holds`, { rule: '§5', documentKey: key });
    const stored = await storedDocument(key);
    if (!stored) throw new ApiError('RULE', 'DOCUMENT_NOT_UPLOADED', `document ${key} has not been uploaded`, { rule: '§5', documentKey: key });
    const problem = checkDocument(stored) ?? (stored.size !== issued.size || stored.contentType !== issued.contentType
      ? { code: 'DOCUMENT_MISMATCH', rule: '§5', message: `document ${key} is not the file that was announced (type or size differ)` as const }
      : null);
    if (problem) throw holdRefused(problem, { documentKey: key });
  }
}

export const document = route({ roles: ['provider'], body: documentRequest }, async ({ body, path, principal }) => {
  const problem = checkDocument(body);
  if (problem) throw holdRefused(problem, { fields: [{ path: problem.code === 'DOCUMENT_TYPE_NOT_ALLOWED' ? 'contentType' : 'size', message: problem.message }], maxBytes: MAX_DOCUMENT_BYTES });
  const hold = await visibleHold(principal, path.holdId ?? '');
  const check = checkMove(hold, 'DOCUMENTS_SUBMITTED', 'provider');
  if (!check.ok) throw holdRefused(check.refusal, { holdId: hold.holdId, state: hold.state });
  const now = systemClock.now();
  const documentKey = `holds/${hold.holdId}/${randomUUID()}/${encodeURIComponent(body.fileName)}`;
  const doc = { documentKey, fileName: body.fileName, contentType: body.contentType, size: body.size, issuedAt: formatKst(now) };
  if (!(await db().holds.addDocument(hold, doc, MAX_DOCUMENTS_PER_HOLD)))
    throw new ApiError('CONFLICT', 'DOCUMENTS_CLOSED', `hold ${hold.holdId} takes no more documents (it moved on, or has ${MAX_DOCUMENTS_PER_HOLD})`, { rule: '§5' });
  const upload = await presignUpload(documentKey, body.contentType, body.size);
  return json(201, { documentKey, upload });
});

// ---- agency review ----

export const review = route({ roles: ['agency'], body: holdReview }, async ({ body, path, principal }) => {
  const at = formatKst(systemClock.now());
  const hold = await visibleHold(principal, path.holdId ?? '');
  const check = checkMove(hold, body.state, 'agency');
  if (!check.ok) throw holdRefused(check.refusal, { holdId: hold.holdId, state: hold.state });
  const move: HoldMove = {
    hold,
    to: body.state,
    actor: 'agency',
    entry: entry(principal, at, hold, body.state, { ...(body.reason ? { comment: body.reason } : {}), ...(body.decision ? { decision: body.decision } : {}) }),
    ...(body.decision ? { decision: body.decision } : {}),
    ...(body.reason && body.state === 'REVIEWED' ? { decisionReason: body.reason } : {}),
  };
  if ((await db().holds.move([move])) === 'conflict') throw new ApiError('CONFLICT', 'CONCURRENT_CHANGE', `hold ${hold.holdId} changed meanwhile; nothing was changed`, { rule: '§5' });
  logger.info('hold reviewed', { holdId: hold.holdId, state: body.state, decision: body.decision });
  return json(200, await db().holds.hold(hold.holdId));
});

// ---- manual holds (HOLD-03) ----

export const place = route({ roles: ['municipality', 'agency'], body: manualHold }, async ({ body, principal }) => {
  const now = systemClock.now();
  const at = formatKst(now);
  const group = `HOLD-03#${body.providerId}#${randomUUID()}`;
  const holds: Hold[] = [];
  for (const approval of new Set(body.approvalNumbers)) {
    const p = await db().payments.payment(body.providerId, approval);
    if (!p || (principal.role === 'municipality' && p.municipalityCode !== principal.municipalityCode))
      throw new ApiError('NOT_FOUND', 'NOT_FOUND', `payment ${approval} of provider ${body.providerId} not found`, { approvalNumber: approval, rule: 'HOLD-03' });
    const screened = { ...p, municipalityCode: p.municipalityCode ?? null, status: p.status };
    const hold = holdOf(screened, { ruleId: 'HOLD-03', ruleVersion: 1, groupKey: group, evidence: [] }, at);
    holds.push({ ...hold, history: [{ at, by: principal.sub, role: principal.role, from: null, to: 'UNPROCESSED', comment: body.comment }] });
  }
  const outcomes = await db().holds.raiseAll(holds);
  const bad = outcomes.map((o, i) => ({ o, hold: holds[i]! })).filter((x) => x.o !== 'raised');
  if (bad.length) {
    throw new ApiError('CONFLICT', bad[0]!.o === 'exists' ? 'ALREADY_HELD' : 'NOT_HOLDABLE', 'no hold was placed: some payments are already held manually, or are cancelled, refunded or paid out', {
      rule: 'HOLD-03',
      payments: bad.map((b) => ({ approvalNumber: b.hold.approvalNumber, holdId: holdIdOf(b.hold.approvalNumber, 'HOLD-03'), problem: b.o === 'exists' ? 'ALREADY_HELD' : 'NOT_HOLDABLE' })),
    });
  }
  logger.info('manual holds placed', { providerId: body.providerId, count: holds.length, by: principal.role });
  return json(201, { items: holds });
});

/** One function, six routes. */
export { routes };
export const handler = dispatch(routes, { list, place, get, act, document, review });
