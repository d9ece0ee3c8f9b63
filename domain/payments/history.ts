/** PAY-13: a provider's usage history, day by day. */
import { addDays, addMonths, type IsoDate, monthOf, type YearMonth } from '../shared/calendar';
import type { Page, PageRequest } from '../shared/ports';
import type { Issue } from '../shared/result';
import type { Payment } from './payment';

export interface DayTotals {
  date: IsoDate;
  approved: { count: number; amount: number };
  cancelled: { count: number; amount: number };
}

/** PAY-13: approvals and cancellations per day (a cancellation counts on its own day). */
export function dailyTotals(payments: readonly Pick<Payment, 'approvalDate' | 'amount' | 'cancelledAt'>[], from: IsoDate, to: IsoDate): DayTotals[] {
  const days = new Map<IsoDate, DayTotals>();
  for (let d = from; d <= to; d = addDays(d, 1)) days.set(d, { date: d, approved: { count: 0, amount: 0 }, cancelled: { count: 0, amount: 0 } });
  for (const p of payments) {
    const approved = days.get(p.approvalDate);
    if (approved) {
      approved.approved.count++;
      approved.approved.amount += p.amount;
    }
    const cancelled = p.cancelledAt ? days.get(p.cancelledAt.slice(0, 10)) : undefined;
    if (cancelled) {
      cancelled.cancelled.count++;
      cancelled.cancelled.amount += p.amount;
    }
  }
  return [...days.values()];
}

/** A payment as its history shows it: with its open refund and refund instant, when there are. */
export type HistoryPayment = Payment & { openRefundId?: string; refundedAt?: string };

/**
 * EXC-03: an approved exception claim in the usage history, on the day it was approved, with
 * channel `EXCEPTION_CLAIM`. Written with the claim's approval; it is not a payment (no card, no
 * terminal) and moves no money of its own (the claim does).
 */
export interface ClaimHistoryEntry {
  entry: 'CLAIM';
  claimId: string;
  channel: 'EXCEPTION_CLAIM';
  providerId: string;
  programCode: string;
  serviceCode: string;
  recipientId: string;
  workerId: string;
  serviceDate: IsoDate;
  amount: number;
  reason: string;
  /** When the agency approved it; its day is the history's date. */
  approvedAt: string;
  approvalDate: IsoDate;
}

export type HistoryItem = HistoryPayment | ClaimHistoryEntry;

export const isClaimEntry = (i: HistoryItem): i is ClaimHistoryEntry => (i as ClaimHistoryEntry).entry === 'CLAIM';

/** What the history reads: a provider's payments (and approved claims) of one month, dates in [from, to], paged. */
export interface PaymentHistoryPort {
  providerPayments(providerId: string, month: YearMonth, range: { from: IsoDate; to: IsoDate }, page: PageRequest): Promise<Page<HistoryItem>>;
}

/** PAY-13: a history query covers at most one year; a daily one at most a month. */
export const MAX_HISTORY_DAYS = 366;
export const MAX_DAILY_DAYS = 31;

/** The dates a history covers (the month so far by default), or what is wrong with them. */
export function historyRange(query: { from?: IsoDate | undefined; to?: IsoDate | undefined }, today: IsoDate): { from: IsoDate; to: IsoDate } | Issue {
  const to = query.to ?? today;
  const from = query.from ?? `${monthOf(to)}-01`;
  if (from > to) return { path: 'query.from', code: 'VALIDATION_FAILED', message: 'from is after to' };
  if (addDays(from, MAX_HISTORY_DAYS) <= to) return { path: 'query.to', code: 'VALIDATION_FAILED', message: 'a query covers at most one year', rule: 'PAY-13' };
  return { from, to };
}

export const monthsOf = (from: IsoDate, to: IsoDate): YearMonth[] => {
  const months: YearMonth[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = addMonths(m, 1)) months.push(m);
  return months;
};

/** Where a history page stopped: the month it was reading and the store's token in it. */
export interface HistoryCursor {
  month: YearMonth;
  token?: string;
}

export interface HistoryQuery {
  providerId: string;
  range: { from: IsoDate; to: IsoDate };
  recipientId?: string | undefined;
  workerPaymentId?: string | undefined;
  channel?: Payment['channel'] | undefined;
  limit: number;
}

/** PAY-13: one page of a provider's payments by approval date, month after month, filtered. */
export async function paymentHistory(port: PaymentHistoryPort, q: HistoryQuery, after?: HistoryCursor): Promise<{ items: HistoryItem[]; next: HistoryCursor | null }> {
  const months = monthsOf(q.range.from, q.range.to);
  const items: HistoryItem[] = [];
  let next: HistoryCursor | null = null;
  for (let i = after ? months.indexOf(after.month) : 0; i < months.length && items.length < q.limit; i++) {
    const month = months[i]!;
    let token = after?.month === month ? after.token : undefined;
    do {
      const page = await port.providerPayments(q.providerId, month, q.range, { limit: q.limit - items.length, ...(token ? { nextToken: token } : {}) });
      for (const p of page.items) {
        if (q.recipientId && p.recipientId !== q.recipientId) continue;
        // A claim names its worker by id, not by payment ID: a worker filter shows payments only.
        if (q.workerPaymentId && (isClaimEntry(p) || p.workerPaymentId !== q.workerPaymentId)) continue;
        if (q.channel && p.channel !== q.channel) continue;
        items.push(p);
      }
      token = page.nextToken;
    } while (token && items.length < q.limit);
    next = token ? { month, token } : items.length >= q.limit && i + 1 < months.length ? { month: months[i + 1]! } : null;
  }
  return { items, next };
}

/** PAY-13: approvals and cancellations of payments per day over at most a month. */
export async function dailyHistory(port: PaymentHistoryPort, providerId: string, range: { from: IsoDate; to: IsoDate }): Promise<DayTotals[] | Issue> {
  if (range.from > range.to || addDays(range.from, MAX_DAILY_DAYS) <= range.to)
    return { path: 'query.to', code: 'VALIDATION_FAILED', message: `from..to must be at most ${MAX_DAILY_DAYS} days`, rule: 'PAY-13' };
  const payments: Payment[] = [];
  for (const month of monthsOf(range.from, range.to)) {
    let token: string | undefined;
    do {
      const page = await port.providerPayments(providerId, month, range, { limit: 500, ...(token ? { nextToken: token } : {}) });
      // Approvals and cancellations of payments: claims are not taken at a terminal.
      payments.push(...page.items.filter((i): i is HistoryPayment => !isClaimEntry(i)));
      token = page.nextToken;
    } while (token);
  }
  return dailyTotals(payments, range.from, range.to);
}
