/**
 * PO-06 forecast (서비스비용지급예상): for a municipality × program and each of the next three
 * months, whether its deposit will pay in full. A month is expected to pay out what its vouchers
 * grant (the latest generated month stands in for months not generated yet) less what the
 * deposit has already paid for its services: the balance is already without it, so it is not
 * counted twice. What earlier months still owe comes first: the amounts runs left waiting
 * (delays) and, until the previous month's third cycle has been run, the rest of that month.
 * The balance covers them, then the months in order.
 */
import { addMonths, type YearMonth } from '../shared/calendar';

export type ForecastStatus = 'POSSIBLE' | 'PARTIAL' | 'IMPOSSIBLE';

export interface ForecastMonth {
  month: YearMonth;
  expected: number;
  /** Whether the month's vouchers are generated, or the latest month stands in. */
  estimated: boolean;
  covered: number;
  status: ForecastStatus;
}

export interface ForecastPaid {
  /** What the deposit has paid for services of each month (draws by service day; returns taken off). */
  paid?: ReadonlyMap<YearMonth, number>;
  /** What runs left waiting on this deposit for days of earlier months (current delays), owed first. */
  waiting?: number;
  /** The previous month's third cycle has not been run yet: the rest of that month is still to pay. */
  previousMonthOpen?: boolean;
}

export function forecast(balance: number, grantedByMonth: ReadonlyMap<YearMonth, number>, fromMonth: YearMonth, already: ForecastPaid = {}): ForecastMonth[] {
  const known = [...grantedByMonth.keys()].filter((m) => m <= addMonths(fromMonth, 2)).sort();
  const paid = (m: YearMonth) => already.paid?.get(m) ?? 0;
  const previous = addMonths(fromMonth, -1);
  const owedBefore = Math.max(0, already.waiting ?? 0) + (already.previousMonthOpen ? Math.max(0, (grantedByMonth.get(previous) ?? 0) - paid(previous)) : 0);
  let left = Math.max(0, balance - owedBefore);
  return [0, 1, 2].map((k) => {
    const month = addMonths(fromMonth, k);
    const own = grantedByMonth.get(month);
    const granted = own ?? grantedByMonth.get(known.filter((m) => m < month).at(-1) ?? '') ?? 0;
    // PO-06: what was already paid for this month's services is out of the balance already.
    const stand = Math.max(0, granted - paid(month));
    const covered = Math.min(left, stand);
    left -= covered;
    const status: ForecastStatus = covered >= stand ? 'POSSIBLE' : covered > 0 ? 'PARTIAL' : 'IMPOSSIBLE';
    return { month, expected: stand, estimated: own === undefined, covered, status };
  });
}
