/**
 * Payment holds (domain.md §5, HOLD-01..03): lists and one hold, a provider's withdraw or submit,
 * evidence uploads, the agency's review and manual holds. The workflow is
 * domain/screening/review.ts; this parses, calls it and maps its refusals to api.md's statuses.
 */
import { actOnHolds, type HoldCursor, type HoldDeps, type HoldResult, holdFor, issueDocument, listHolds, listRange, placeManualHolds, reviewHold } from '../../domain/screening/review';
import { kstDate } from '../../domain/shared/calendar';
import { documentRequest, holdAction, holdQuery, holdReview, manualHold } from '../../events/screening';
import { randomUuid, systemClock } from '../shared/clock';
import { evidenceFiles } from '../shared/documents';
import { decodeCursor, encodeCursor } from '../shared/dynamo/pagination';
import { invalidRequest, refusalError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { callerOf, jurisdictionOf, providerFilter } from '../shared/tenancy';
import { holdStore, paymentStore } from '../shared/stores';
import { routes } from './routes';
import { HOLD_STATUS } from './statuses';

let deps: HoldDeps | undefined;
const holds = () => (deps ??= { holds: holdStore(), payments: paymentStore(), files: evidenceFiles, clock: systemClock, newId: randomUuid });

/** The value of a use case, or its refusal as api.md's error. */
function answer<T>(result: HoldResult<T>): T {
  if (!result.ok) throw refusalError(result.refusal, HOLD_STATUS[result.refusal.code], result.details);
  return result.value;
}

const isCursor = (c: unknown): c is HoldCursor => typeof c === 'object' && c !== null && /^\d{4}-\d{2}-\d{2}$/.test(String((c as HoldCursor).day)) && ['undefined', 'string'].includes(typeof (c as HoldCursor).token);

const list = route({ roles: ['provider', 'agency', 'municipality'], query: holdQuery.extend(pageQuery) }, async ({ query, principal }) => {
  const providerId = providerFilter(principal, query.providerId);
  const range = listRange(query, kstDate(systemClock.now()), providerId === undefined);
  if ('path' in range) throw invalidRequest([range]);
  const after = query.nextToken ? decodeCursor(query.nextToken, (c): c is HoldCursor => isCursor(c) && c.day >= range.from && c.day <= range.to) : undefined;
  const filter = { state: query.state, ruleId: query.ruleId, municipalityCode: jurisdictionOf(principal, query.municipalityCode) };
  const page = await listHolds(holds(), { caller: callerOf(principal), range, providerId, filter, limit: query.limit }, after);
  return json(200, { items: page.items, nextToken: page.next ? encodeCursor(page.next) : null });
});

const get = route({ roles: ['provider', 'agency', 'municipality'] }, async ({ path, principal }) => json(200, answer(await holdFor(holds(), callerOf(principal), path.holdId ?? ''))));

const act = route({ roles: ['provider'], body: holdAction }, async ({ body, principal }) => {
  const moved = answer(await actOnHolds(holds(), callerOf(principal), body));
  logger.info('holds moved by provider', { action: body.action, holdIds: body.holdIds });
  return json(200, { items: moved });
});

const document = route({ roles: ['provider'], body: documentRequest }, async ({ body, path, principal }) =>
  json(201, answer(await issueDocument(holds(), callerOf(principal), path.holdId ?? '', body))));

const review = route({ roles: ['agency'], body: holdReview }, async ({ body, path, principal }) => {
  const hold = answer(await reviewHold(holds(), callerOf(principal), path.holdId ?? '', body));
  logger.info('hold reviewed', { holdId: hold.holdId, state: body.state, decision: body.decision });
  return json(200, hold);
});

const place = route({ roles: ['municipality', 'agency'], body: manualHold }, async ({ body, principal }) => {
  const placed = answer(await placeManualHolds(holds(), callerOf(principal), body));
  logger.info('manual holds placed', { providerId: body.providerId, count: placed.length, by: principal.role });
  return json(201, { items: placed });
});

export { routes };
export const handler = dispatch(routes, { list, place, get, act, document, review });
