/** PAY-13 usage history: ranges, paging month after month, filters and daily totals. */
import { describe, expect, it } from 'vitest';
import { dailyHistory, type HistoryPayment, historyRange, monthsOf, type PaymentHistoryPort, paymentHistory } from '../../../domain/payments/history';

let n = 0;
const payment = (approvalDate: string, over: Partial<HistoryPayment> = {}): HistoryPayment =>
  ({ approvalNumber: `${approvalDate.replace(/-/g, '')}${String(++n).padStart(6, '0')}`, approvalDate, providerId: 'P1', recipientId: 'R1', workerPaymentId: '20000001', channel: 'TERMINAL', amount: 10_000, ...over }) as HistoryPayment;

/** The store's pages: offsets as tokens, each month on its own. */
function port(payments: HistoryPayment[]): PaymentHistoryPort & { calls: number } {
  const p = {
    calls: 0,
    async providerPayments(providerId: string, month: string, range: { from: string; to: string }, page: { limit: number; nextToken?: string }) {
      p.calls++;
      const all = payments.filter((x) => x.providerId === providerId && x.approvalDate.startsWith(month) && x.approvalDate >= range.from && x.approvalDate <= range.to);
      const start = Number(page.nextToken ?? 0);
      const end = start + page.limit;
      return end < all.length ? { items: all.slice(start, end), nextToken: String(end) } : { items: all.slice(start) };
    },
  };
  return p;
}

describe('PAY-13 history', () => {
  it('a range defaults to the month so far and covers at most one year', () => {
    expect(historyRange({}, '2026-03-20')).toEqual({ from: '2026-03-01', to: '2026-03-20' });
    expect(historyRange({ from: '2026-03-21', to: '2026-03-20' }, '2026-03-20')).toMatchObject({ path: 'query.from' });
    expect(historyRange({ from: '2025-01-01', to: '2026-03-20' }, '2026-03-20')).toMatchObject({ path: 'query.to', rule: 'PAY-13' });
    expect(monthsOf('2025-12-30', '2026-02-01')).toEqual(['2025-12', '2026-01', '2026-02']);
  });

  it('pages month after month, filtered, until every payment was shown once', async () => {
    const all = [payment('2026-01-05'), payment('2026-01-06', { recipientId: 'R2' }), payment('2026-02-01'), payment('2026-02-02'), payment('2026-03-01', { channel: 'SMARTPHONE' }), payment('2026-03-02')];
    const store = port(all);
    const q = { providerId: 'P1', range: { from: '2026-01-01', to: '2026-03-31' }, recipientId: 'R1', channel: 'TERMINAL' as const, limit: 2 };
    const seen: string[] = [];
    let page = await paymentHistory(store, q);
    seen.push(...page.items.map((p) => p.approvalDate));
    while (page.next) {
      page = await paymentHistory(store, q, page.next);
      seen.push(...page.items.map((p) => p.approvalDate));
    }
    expect(seen).toEqual(['2026-01-05', '2026-02-01', '2026-02-02', '2026-03-02']);
    expect((await paymentHistory(store, { ...q, recipientId: undefined, channel: undefined, workerPaymentId: '99999999' })).items).toEqual([]);
  });

  it('daily: approvals per day over at most a month; longer is refused', async () => {
    const days = await dailyHistory(port([payment('2026-03-01'), payment('2026-03-01'), payment('2026-03-02')]), 'P1', { from: '2026-03-01', to: '2026-03-02' });
    expect(Array.isArray(days) && days.map((d) => d.approved.count)).toEqual([2, 1]);
    expect(await dailyHistory(port([]), 'P1', { from: '2026-03-01', to: '2026-04-02' })).toMatchObject({ rule: 'PAY-13' });
  });
});
