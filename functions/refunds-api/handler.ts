/**
 * PAY-11 refunds: `POST /v1/refunds` (provider), `POST /v1/refunds/{id}/approve` and `/reject`
 * (agency), `GET /v1/refunds` (provider; agency with `providerId`).
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { decideRefundDecision, decideRefundRequest, type Refund, type RefundRefusal, voucherStillUsable } from '../../domain/payments/refunds';
import { formatKst, kstDate } from '../../domain/shared/calendar';
import { refundDecision, refundRequest } from '../../events/payments';
import { systemClock } from '../shared/clock';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoPaymentStore } from '../shared/dynamo/payment-store';
import { DynamoRefundStore } from '../shared/dynamo/refund-store';
import { ApiError, refusalError, type RefusalStatus } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { providerScope } from '../shared/tenancy';
import { routes } from './routes';

let stores: { payments: DynamoPaymentStore; refunds: DynamoRefundStore } | undefined;
const db = () => (stores ??= { payments: new DynamoPaymentStore(dynamoTable()), refunds: new DynamoRefundStore(dynamoTable()) });

const REFUND_STATUS: Record<RefundRefusal['code'], RefusalStatus> = {
  NOT_FOUND: 404,
  PAYMENT_CANCELLED: 409,
  ALREADY_REFUNDED: 409,
  USE_SAME_DAY_CANCEL: 422,
  PAYMENT_ON_HOLD: 409,
  REFUND_ALREADY_REQUESTED: 409,
  INVALID_STATE: 409,
};
const refundRefused = (r: RefundRefusal) => refusalError(r, REFUND_STATUS[r.code]);

export const request = route({ roles: ['provider'], body: refundRequest }, async ({ body, principal }) => {
  const now = systemClock.now();
  const payment = await db().payments.payment(principal.providerId!, body.approvalNumber);
  const decision = decideRefundRequest(payment, principal.providerId!, now);
  if (!decision.ok) throw refundRefused(decision.refusal);
  const p = payment!;
  const holds = p as { holdsOpen?: number; holdsDenied?: number };
  if ((holds.holdsOpen ?? 0) > 0 || (holds.holdsDenied ?? 0) > 0)
    throw new ApiError('CONFLICT', 'PAYMENT_ON_HOLD', 'this payment is on hold and was not paid: withdraw the hold instead (a withdrawn hold is never paid, HOLD-02)', { rule: 'PAY-11' });
  const refund: Refund = {
    refundId: `RF${kstDate(now).replace(/-/g, '')}${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
    approvalNumber: p.approvalNumber,
    providerId: p.providerId,
    programCode: p.programCode,
    recipientId: p.recipientId,
    municipalityCode: p.municipalityCode,
    amount: p.amount,
    reason: body.reason,
    ...(body.comment ? { comment: body.comment } : {}),
    state: 'REQUESTED',
    requestedAt: formatKst(now),
    requestedBy: principal.sub,
  };
  const outcome = await db().refunds.request(refund);
  if (outcome !== 'requested') throw new ApiError('CONFLICT', 'REFUND_ALREADY_REQUESTED', 'this payment already has an open refund, is on hold, or is no longer approved', { rule: 'PAY-11' });
  logger.info('refund requested', { refundId: refund.refundId, approvalNumber: refund.approvalNumber });
  return json(201, refund);
});

const decide = (action: 'approve' | 'reject') =>
  route({ roles: ['agency'], body: refundDecision }, async ({ body, path, principal }) => {
    const now = systemClock.now();
    const refund = await db().refunds.refund(path.refundId ?? '');
    const decision = decideRefundDecision(refund);
    if (!decision.ok) throw refundRefused(decision.refusal);
    const r = refund!;
    const decidedAt = formatKst(now);
    let done: boolean;
    let answer: Refund;
    if (action === 'approve') {
      const payment = await db().payments.payment(r.providerId, r.approvalNumber);
      if (!payment) throw new ApiError('NOT_FOUND', 'NOT_FOUND', 'the refund\'s payment is missing', { rule: 'PAY-11' });
      const decided = { decidedAt, decidedBy: principal.sub, restored: voucherStillUsable(payment, now), recoveredOn: kstDate(now), ...(body.reason ? { decisionReason: body.reason } : {}) };
      done = await db().refunds.approve(r, payment, decided);
      answer = { ...r, ...decided, state: 'APPROVED' };
    } else {
      if (!body.reason) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ path: 'reason', message: 'required' }] });
      const decided = { decidedAt, decidedBy: principal.sub, decisionReason: body.reason };
      done = await db().refunds.reject(r, decided);
      answer = { ...r, ...decided, state: 'REJECTED' };
    }
    if (!done) throw new ApiError('CONFLICT', 'INVALID_STATE', 'the refund was decided by someone else meanwhile', { rule: 'PAY-11' });
    logger.info(`refund ${action}d`, { refundId: r.refundId });
    return json(200, answer);
  });

export const approve = decide('approve');
export const reject = decide('reject');

export const list = route({ roles: ['provider', 'agency'], query: z.object({ providerId: z.string().max(40).optional(), ...pageQuery }) }, async ({ query, principal }) => {
  const providerId = providerScope(principal, query.providerId);
  const page = await db().refunds.providerRefunds(providerId, query.limit, query.nextToken);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

/** One function, four routes. */
export { routes };
export const handler = dispatch(routes, { request, list, approve, reject });
