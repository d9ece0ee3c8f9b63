/**
 * Exception claims (EXC-01/02): `POST /v1/claims` (provider; `preview: true` shows the amount
 * without saving), `POST /v1/claims/{id}/approve` and `/reject` (agency), `GET /v1/claims`.
 * An approval adds the amount to a day bucket already run, so the next ad-hoc payout pays it.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { assessClaim, type Claim } from '../../domain/payments/claims';
import { claimPayableDay } from '../../domain/settlement/payouts';
import { formatKst, kstDate } from '../../domain/shared/calendar';
import { recordId } from '../../events/common';
import { claimDecision, claimRequest } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { readCatalog } from '../shared/dynamo/catalog';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoSettlementStore } from '../shared/dynamo/settlement-store';
import { ApiError } from '../shared/errors';
import { koreanHolidays } from '../shared/holidays';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { providerScope } from '../shared/tenancy';
import { routes } from './routes';

let store: DynamoSettlementStore | undefined;
const db = () => (store ??= new DynamoSettlementStore(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000)));

export const file = route({ roles: ['provider'], body: claimRequest }, async ({ body, principal }) => {
  const now = systemClock.now();
  const { preview, ...request } = body;
  const [catalog, context] = await Promise.all([readCatalog(dynamoTable()), db().claimContext(request.recipientId, request.workerId)]);
  const serviceType = catalog.serviceTypes.get(request.serviceCode);
  const assessed = assessClaim(request, { today: kstDate(now), providerId: principal.providerId!, serviceType, programKind: serviceType ? catalog.programs.get(serviceType.programCode)?.kind : undefined, ...context });
  if (!assessed.ok) throw new ApiError('RULE', assessed.refusal.code, assessed.refusal.message, { rule: assessed.refusal.rule });
  if (preview) return json(200, { preview: true, amount: assessed.amount, programCode: assessed.programCode });
  const claim: Claim = {
    ...request,
    claimId: `CL${kstDate(now).replace(/-/g, '')}${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    providerId: principal.providerId!,
    programCode: assessed.programCode,
    municipalityCode: assessed.municipalityCode,
    amount: assessed.amount,
    state: 'RECEIVED',
    filedAt: formatKst(now),
    filedBy: principal.sub,
  };
  await db().saveClaim(claim);
  logger.info('claim filed', { claimId: claim.claimId, amount: claim.amount });
  return json(201, claim);
});

const decide = (state: 'APPROVED' | 'REJECTED') =>
  route({ roles: ['agency'], body: claimDecision }, async ({ body, path, principal }) => {
    const now = systemClock.now();
    const claim = await db().claim(path.claimId ?? '');
    if (!claim) throw new ApiError('NOT_FOUND', 'NOT_FOUND', `claim ${path.claimId} not found`);
    if (state === 'REJECTED' && !body.reason) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ path: 'reason', message: 'required' }] });
    const decision = {
      state, decidedAt: formatKst(now), decidedBy: principal.sub,
      ...(body.reason ? { decisionReason: body.reason } : {}),
      ...(state === 'APPROVED' ? { payableOn: claimPayableDay(kstDate(now), koreanHolidays) } : {}),
    };
    if (!(await db().decideClaim(claim, decision))) throw new ApiError('CONFLICT', 'INVALID_STATE', `claim ${claim.claimId} is ${claim.state}; it was decided already`, { rule: 'EXC-02' });
    logger.info(`claim ${state.toLowerCase()}`, { claimId: claim.claimId });
    return json(200, { ...claim, ...decision });
  });

export const approve = decide('APPROVED');
export const reject = decide('REJECTED');

export const list = route({ roles: ['provider', 'agency'], query: z.object({ providerId: recordId.optional(), ...pageQuery }).strict() }, async ({ query, principal }) => {
  const providerId = providerScope(principal, query.providerId);
  const page = await db().providerClaims(providerId, query);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

/** One function, four routes. */
export { routes };
export const handler = dispatch(routes, { file, list, approve, reject });
