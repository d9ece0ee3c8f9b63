/**
 * Exception claims (EXC-01/02/03): `POST /v1/claims` (provider; `preview: true` shows the amount
 * without saving; the same request again answers 200 with its claim), `POST /v1/claims/{id}/approve`
 * and `/reject` (agency), `POST /v1/claims/{id}/withdraw` (provider), `GET /v1/claims`. The
 * rules are domain/payments/claims.ts; this maps them to HTTP.
 */
import * as z from 'zod';
import { type ClaimDeps, type ClaimRefusal, decideClaim, fileClaim, withdrawClaim } from '../../domain/payments/claims';
import { claimPayableDay } from '../../domain/settlement/payouts';
import { recordId } from '../../events/common';
import { claimDecision, claimRequest } from '../../events/payouts';
import { randomHex, systemClock } from '../shared/clock';
import { ApiError, refusalError, type RefusalStatus } from '../shared/errors';
import { koreanHolidays } from '../shared/holidays';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { providerScope } from '../shared/tenancy';
import { claimStore } from '../shared/stores';
import { routes } from './routes';

const STATUS: Record<ClaimRefusal['code'], RefusalStatus> = {
  OUTSIDE_CLAIM_WINDOW: 422, SERVICE_IN_FUTURE: 422, INVALID_SERVICE_TIME: 422, UNKNOWN_SERVICE: 422, NO_CONTRACT: 422,
  WORKER_NOT_ELIGIBLE: 422, UNKNOWN_GRADE: 422, BELOW_ONE_UNIT: 422, NOT_FOUND: 404, INVALID_STATE: 409, DUPLICATE_CLAIM: 409,
};
const refused = (refusal: ClaimRefusal) => refusalError(refusal, STATUS[refusal.code]);
const claimPath = z.object({ claimId: recordId }).strict();

const store = claimStore;
const deps = (): ClaimDeps => ({ store: store(), clock: systemClock, payableDay: (today) => claimPayableDay(today, koreanHolidays), newClaimId: (today) => `CL${today.replace(/-/g, '')}${randomHex(10)}`, holidays: koreanHolidays });

const file = route({ roles: ['provider'], body: claimRequest }, async ({ body, principal }) => {
  const { preview, ...request } = body;
  const filed = await fileClaim(deps(), principal.providerId!, principal.sub, request, preview ?? false);
  if (!filed.ok) throw refused(filed.refusal);
  if (filed.preview) return json(200, { preview: true, amount: filed.amount, programCode: filed.programCode });
  logger.info(filed.replayed ? 'claim filed again: answered with the first' : 'claim filed', { claimId: filed.claim.claimId, amount: filed.claim.amount });
  return json(filed.replayed ? 200 : 201, filed.claim);
});

const withdraw = route({ roles: ['provider'], path: claimPath }, async ({ path, principal }) => {
  const withdrawn = await withdrawClaim(deps(), principal.providerId!, principal.sub, path.claimId ?? '');
  if (!withdrawn.ok) throw refused(withdrawn.refusal);
  logger.info('claim withdrawn', { claimId: withdrawn.claim.claimId });
  return json(200, withdrawn.claim);
});

const decide = (approve: boolean) =>
  route({ roles: ['agency'], body: claimDecision, path: claimPath }, async ({ body, path, principal }) => {
    if (!approve && !body.reason) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ path: 'reason', message: 'required' }] });
    const decided = await decideClaim(deps(), path.claimId ?? '', { approve, by: principal.sub, reason: body.reason });
    if (!decided.ok) throw refused(decided.refusal);
    logger.info(`claim ${decided.claim.state.toLowerCase()}`, { claimId: decided.claim.claimId });
    return json(200, decided.claim);
  });

const list = route({ roles: ['provider', 'agency'], query: z.object({ providerId: recordId.optional(), ...pageQuery }).strict() }, async ({ query, principal }) => {
  const page = await store().ofProvider(providerScope(principal, query.providerId), query);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

export { routes };
export const handler = dispatch(routes, { file, list, approve: decide(true), reject: decide(false), withdraw });
