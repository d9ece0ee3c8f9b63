/**
 * `GET /v1/payments?from=&to=&recipientId=&workerPaymentId=&channel=` (PAY-13): a provider's usage
 * history by approval date, up to one year at a time, each payment showing its cancellation or
 * refund beside it; `GET /v1/payments/daily?from=&to=`: approvals and cancellations per day, up
 * to one month at a time. The agency names the provider. The rules are domain/payments/history.ts.
 */
import * as z from 'zod';
import { paymentsAnswer } from '../../events/answers';
import { type ClaimHistoryEntry, dailyHistory, type HistoryCursor, type HistoryItem, type HistoryPayment, historyRange, isClaimEntry, monthsOf, paymentHistory } from '../../domain/payments/history';
import { maskCardNumber } from '../../domain/registry/identity';
import { kstDate } from '../../domain/shared/calendar';
import type { Issue } from '../../domain/shared/result';
import { isoDate } from '../../events/common';
import { systemClock } from '../shared/clock';
import { decodeCursor, encodeCursor } from '../shared/dynamo/pagination';
import { invalidRequest } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { providerScope } from '../shared/tenancy';
import { paymentStore } from '../shared/stores';
import { routes } from './routes';

const query = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  recipientId: z.string().max(40).optional(),
  workerPaymentId: z.string().regex(/^\d{8}$/).optional(),
  channel: z.enum(['TERMINAL', 'SMARTPHONE', 'EXCEPTION_CLAIM']).optional(),
  providerId: z.string().max(40).optional(),
  ...pageQuery,
});

const payments = paymentStore;

const invalid = (issue: Issue) => invalidRequest([issue], issue.message, issue.rule);

/** A payment as the provider sees it: the card masked, cancellation and refund beside it; an approved claim (EXC-03) as itself. */
const view = (p: HistoryItem) => (isClaimEntry(p) ? claimView(p) : paymentView(p));

const claimView = (c: ClaimHistoryEntry) => ({
  claimId: c.claimId, status: 'APPROVED', approvedAt: c.approvedAt, amount: c.amount, kind: 'EXCEPTION_CLAIM', reason: c.reason, channel: c.channel,
  serviceCode: c.serviceCode, programCode: c.programCode, serviceDate: c.serviceDate, recipientId: c.recipientId, workerId: c.workerId, cancellation: null, refund: null,
});

const paymentView = (p: HistoryPayment) => ({
  approvalNumber: p.approvalNumber, status: p.status, approvedAt: p.approvedAt, amount: p.amount, kind: p.kind, reason: p.reason, channel: p.channel,
  serviceCode: p.serviceCode, programCode: p.programCode, serviceDate: p.serviceDate, recipientId: p.recipientId, workerId: p.workerId, workerPaymentId: p.workerPaymentId,
  cardNumber: maskCardNumber(p.cardNumber), terminalSerial: p.terminalSerial,
  cancellation: p.cancelledAt ? { cancelledAt: p.cancelledAt } : null,
  refund: p.refundId ? { refundId: p.refundId, state: 'APPROVED', refundedAt: p.refundedAt } : p.openRefundId ? { refundId: p.openRefundId, state: 'REQUESTED' } : null,
});

const list = route({ roles: ['provider', 'agency'], query, answers: [{ status: 200, description: 'the provider\'s payments of the range, by date', schema: paymentsAnswer }] }, async ({ query: q, principal }) => {
  const providerId = providerScope(principal, q.providerId);
  const range = historyRange(q, kstDate(systemClock.now()));
  if ('path' in range) throw invalid(range);
  const months = monthsOf(range.from, range.to);
  const after = q.nextToken ? decodeCursor(q.nextToken, (c): c is HistoryCursor => typeof c === 'object' && c !== null && months.includes((c as HistoryCursor).month)) : undefined;
  const page = await paymentHistory(payments(), { providerId, range, recipientId: q.recipientId, workerPaymentId: q.workerPaymentId, channel: q.channel, limit: q.limit }, after);
  return json(200, { providerId, ...range, items: page.items.map(view), nextToken: page.next ? encodeCursor(page.next) : null });
});

const daily = route({ roles: ['provider', 'agency'], query: z.object({ from: isoDate, to: isoDate, providerId: z.string().max(40).optional() }) }, async ({ query: q, principal }) => {
  const providerId = providerScope(principal, q.providerId);
  const days = await dailyHistory(payments(), providerId, q);
  if ('path' in days) throw invalid(days);
  return json(200, { providerId, from: q.from, to: q.to, days });
});

export { routes };
export const handler = dispatch(routes, { list, daily });
