/**
 * PAY-11 refunds: `POST /v1/refunds` (provider), `POST /v1/refunds/{id}/approve` and `/reject`
 * (agency), `GET /v1/refunds` (provider; agency with `providerId`). The rules are
 * domain/payments/refunds.ts; this maps them to HTTP.
 */
import * as z from 'zod';
import { decideRefund, type RefundDeps, type RefundOutcome, requestRefund } from '../../domain/payments/refunds';
import { refundDecision, refundRequest } from '../../events/payments';
import { randomHex, systemClock } from '../shared/clock';
import { ApiError, refusalError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { providerScope } from '../shared/tenancy';
import { refundStore } from '../shared/stores';
import { routes } from './routes';
import { REFUND_STATUS } from './statuses';

const store = refundStore;
const deps = (): RefundDeps => ({ store: store(), clock: systemClock, newRefundId: (today) => `RF${today.replace(/-/g, '')}${randomHex(12)}` });

const answer = (outcome: RefundOutcome, status: number) => {
  if (!outcome.ok) throw refusalError(outcome.refusal, REFUND_STATUS[outcome.refusal.code]);
  logger.info(`refund ${outcome.refund.state.toLowerCase()}`, { refundId: outcome.refund.refundId, approvalNumber: outcome.refund.approvalNumber });
  return json(status, outcome.refund);
};

const request = route({ roles: ['provider'], body: refundRequest }, async ({ body, principal }) => answer(await requestRefund(deps(), principal.providerId!, principal.sub, body), 201));

const decide = (approve: boolean) =>
  route({ roles: ['agency'], body: refundDecision }, async ({ body, path, principal }) => {
    if (!approve && !body.reason) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ path: 'reason', message: 'required' }] });
    return answer(await decideRefund(deps(), path.refundId ?? '', { approve, by: principal.sub, reason: body.reason }), 200);
  });

const list = route({ roles: ['provider', 'agency'], query: z.object({ providerId: z.string().max(40).optional(), ...pageQuery }) }, async ({ query, principal }) => {
  const page = await store().providerRefunds(providerScope(principal, query.providerId), query.limit, query.nextToken);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

export { routes };
export const handler = dispatch(routes, { request, list, approve: decide(true), reject: decide(false) });
