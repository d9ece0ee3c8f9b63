/** PAY-13: a provider's usage history, day by day. */
import { addDays, type IsoDate } from '../shared/calendar';
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
