/**
 * `GET /v1/payments?from=&to=&recipientId=&workerPaymentId=&channel=` (PAY-13): a provider's usage
 * history by approval date, up to one year at a time, each payment showing its cancellation or
 * refund beside it; `GET /v1/payments/daily?from=&to=`: approvals and cancellations per day, up
 * to one month at a time. The agency names the provider.
 */
import * as z from 'zod';
import { dailyTotals } from '../../domain/payments/history';
import type { Payment } from '../../domain/payments/payment';
import { maskCardNumber } from '../../domain/registry/identity';
import { addDays, addMonths, kstDate, monthOf } from '../../domain/shared/calendar';
import { isoDate } from '../../events/common';
import { systemClock } from '../shared/clock';
import { dynamoTable } from '../shared/dynamo/client';
import { decodeCursor, encodeCursor } from '../shared/dynamo/pagination';
import { DynamoPaymentStore } from '../shared/dynamo/payment-store';
import { ApiError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { providerScope } from '../shared/tenancy';
import { routes } from './routes';

const MAX_RANGE_DAYS = 366;

const query = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  recipientId: z.string().max(40).optional(),
  workerPaymentId: z.string().regex(/^\d{8}$/).optional(),
  channel: z.enum(['TERMINAL', 'SMARTPHONE', 'EXCEPTION_CLAIM']).optional(),
  providerId: z.string().max(40).optional(),
  ...pageQuery,
});

interface Cursor {
  month: string;
  key?: Record<string, unknown>;
}

const encode = (c: Cursor) => encodeCursor(c);
const decode = (token: string | undefined, months: string[]): Cursor | undefined =>
  token === undefined ? undefined : decodeCursor(token, (c): c is Cursor => typeof c === 'object' && c !== null && months.includes((c as Cursor).month));

let store: DynamoPaymentStore | undefined;

/** A payment as the provider sees it: the card masked, cancellation and refund beside it. */
const view = (p: Payment & { openRefundId?: string; refundedAt?: string }) => ({
  approvalNumber: p.approvalNumber,
  status: p.status,
  approvedAt: p.approvedAt,
  amount: p.amount,
  kind: p.kind,
  reason: p.reason,
  channel: p.channel,
  serviceCode: p.serviceCode,
  programCode: p.programCode,
  serviceDate: p.serviceDate,
  recipientId: p.recipientId,
  workerId: p.workerId,
  workerPaymentId: p.workerPaymentId,
  cardNumber: maskCardNumber(p.cardNumber),
  terminalSerial: p.terminalSerial,
  cancellation: p.cancelledAt ? { cancelledAt: p.cancelledAt } : null,
  refund: p.refundId ? { refundId: p.refundId, state: 'APPROVED', refundedAt: p.refundedAt } : p.openRefundId ? { refundId: p.openRefundId, state: 'REQUESTED' } : null,
});

export const list = route({ roles: ['provider', 'agency'], query }, async ({ query: q, principal }) => {
  const providerId = providerScope(principal, q.providerId);
  const today = kstDate(systemClock.now());
  const to = q.to ?? today;
  const from = q.from ?? `${monthOf(to)}-01`;
  if (from > to) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'from is after to', { fields: [{ path: 'query.from', message: 'after to' }] });
  if (addDays(from, MAX_RANGE_DAYS) <= to) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'a query covers at most one year', { fields: [{ path: 'query.to', message: 'more than one year after from' }], rule: 'PAY-13' });

  const months: string[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = addMonths(m, 1)) months.push(m);
  const cursor = decode(q.nextToken, months);
  store ??= new DynamoPaymentStore(dynamoTable());

  const items: ReturnType<typeof view>[] = [];
  let next: Cursor | undefined;
  for (let i = cursor ? months.indexOf(cursor.month) : 0; i < months.length && items.length < q.limit; i++) {
    const month = months[i]!;
    let key = cursor?.month === month ? cursor.key : undefined;
    do {
      const page = await store.providerPayments(providerId, month, from, to, q.limit - items.length, key);
      for (const p of page.items) {
        if (q.recipientId && p.recipientId !== q.recipientId) continue;
        if (q.workerPaymentId && p.workerPaymentId !== q.workerPaymentId) continue;
        if (q.channel && p.channel !== q.channel) continue;
        items.push(view(p));
      }
      key = page.lastKey;
    } while (key && items.length < q.limit);
    if (key) next = { month, key };
    else if (items.length >= q.limit && i + 1 < months.length) next = { month: months[i + 1]! };
  }
  return json(200, { providerId, from, to, items, nextToken: next ? encode(next) : null });
});

/** PAY-13: per day, up to one month at a time. */
const MAX_DAILY_RANGE_DAYS = 31;

export const daily = route(
  { roles: ['provider', 'agency'], query: z.object({ from: isoDate, to: isoDate, providerId: z.string().max(40).optional() }) },
  async ({ query: q, principal }) => {
    const providerId = providerScope(principal, q.providerId);
    if (q.from > q.to || addDays(q.from, MAX_DAILY_RANGE_DAYS) <= q.to)
      throw new ApiError('VALIDATION', 'VALIDATION_FAILED', `from..to must be at most ${MAX_DAILY_RANGE_DAYS} days`, { fields: [{ path: 'query.to', message: 'range' }], rule: 'PAY-13' });
    store ??= new DynamoPaymentStore(dynamoTable());
    const payments: Payment[] = [];
    for (let m = monthOf(q.from); m <= monthOf(q.to); m = addMonths(m, 1)) {
      let key: Record<string, unknown> | undefined;
      do {
        const page = await store.providerPayments(providerId, m, q.from, q.to, 500, key);
        payments.push(...page.items);
        key = page.lastKey;
      } while (key);
    }
    return json(200, { providerId, from: q.from, to: q.to, days: dailyTotals(payments, q.from, q.to) });
  },
);

export { routes };
export const handler = dispatch(routes, { list, daily });
