/**
 * PO-06 forecast (서비스비용지급예상): for a municipality × program and each of the next three
 * months, whether its deposit will pay in full. A month is expected to pay out what its vouchers
 * grant (the latest generated month stands in for months not generated yet); the balance covers
 * the months in order.
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

export function forecast(balance: number, grantedByMonth: ReadonlyMap<YearMonth, number>, fromMonth: YearMonth): ForecastMonth[] {
  const known = [...grantedByMonth.keys()].filter((m) => m <= addMonths(fromMonth, 2)).sort();
  let left = Math.max(0, balance);
  return [0, 1, 2].map((k) => {
    const month = addMonths(fromMonth, k);
    const own = grantedByMonth.get(month);
    const stand = own ?? grantedByMonth.get(known.filter((m) => m < month).at(-1) ?? '') ?? 0;
    const covered = Math.min(left, stand);
    left -= covered;
    const status: ForecastStatus = covered >= stand ? 'POSSIBLE' : covered > 0 ? 'PARTIAL' : 'IMPOSSIBLE';
    return { month, expected: stand, estimated: own === undefined, covered, status };
  });
}
