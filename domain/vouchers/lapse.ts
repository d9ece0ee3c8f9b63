/**
 * VCH-04 lapse (소멸): a voucher of month M pays normal payments in M and retroactive or makeup
 * payments for services in M until the end of M+1; then its remainder lapses. On the 1st of M+2
 * the month's generation run also lapses month M: each voucher's remaining amount and sessions
 * become its lapsed amount and sessions, once (PO-08 counts them as a term of the voucher
 * identity).
 */
import { addMonths, lastDayOf, type IsoDate, type YearMonth } from '../shared/calendar';

/** The month whose vouchers lapse when `month` begins: the one two months before. */
export const lapsingMonth = (month: YearMonth): YearMonth => addMonths(month, -2);

/** VCH-04: a voucher of `month` still pays until the end of the month after. */
export const stillUsable = (month: YearMonth, today: IsoDate): boolean => today <= lastDayOf(addMonths(month, 1));

/** A voucher as the lapse sees it. */
export interface LapsingVoucher {
  recipientId: string;
  serviceCode: string;
  programCode: string;
  municipalityCode: string;
  month: YearMonth;
  remainingAmount: number;
  remainingSessions: number;
  /** A `TIME` voucher's minutes left (§4.6). */
  remainingMinutes?: number;
  lapsedAt?: string;
}

export interface VoucherLapsePort {
  /** The vouchers of these recipients for the month. */
  vouchersOf(recipientIds: readonly string[], month: YearMonth): Promise<LapsingVoucher[]>;
  /** Moves what remains to lapsed, once (false: lapsed already), and adds it to the month's `LapsedTotal`. */
  lapse(voucher: LapsingVoucher, at: string): Promise<boolean>;
}

/** VCH-04 report: what lapsed of a month's vouchers in one municipality × program. */
export interface LapsedTotal extends LapseTally {
  month: YearMonth;
  municipalityCode: string;
  programCode: string;
}

/** The lapse totals, kept with each lapse (so the report never reads the vouchers). */
export interface LapseReportPort {
  lapsedTotals(month: YearMonth, municipalityCode: string | undefined): Promise<LapsedTotal[]>;
}

export interface LapseTally {
  vouchers: number;
  amount: number;
  sessions: number;
  minutes: number;
}

/** Lapses the month's vouchers of these recipients; refuses to lapse a month still usable. Idempotent. */
export async function lapseVouchers(port: VoucherLapsePort, recipientIds: readonly string[], month: YearMonth, today: IsoDate, at: string): Promise<LapseTally> {
  if (stillUsable(month, today)) throw new Error(`VCH-04: vouchers of ${month} are usable until ${lastDayOf(addMonths(month, 1))}; they do not lapse on ${today}`);
  const tally: LapseTally = { vouchers: 0, amount: 0, sessions: 0, minutes: 0 };
  for (const v of await port.vouchersOf(recipientIds, month)) {
    if (v.lapsedAt || (v.remainingAmount === 0 && v.remainingSessions === 0 && !v.remainingMinutes)) continue;
    if (!(await port.lapse(v, at))) continue;
    tally.vouchers++;
    tally.amount += v.remainingAmount;
    tally.sessions += v.remainingSessions;
    tally.minutes += v.remainingMinutes ?? 0;
  }
  return tally;
}

/** `GET /v1/reports/lapsed` (VCH-04): per municipality × program, what lapsed of the month's vouchers, and the sum. */
export async function lapsedReport(port: LapseReportPort, month: YearMonth, municipalityCode: string | undefined, today: IsoDate): Promise<{ month: YearMonth; final: boolean; items: LapsedTotal[]; totals: LapseTally }> {
  const items = (await port.lapsedTotals(month, municipalityCode)).sort((a, b) => a.municipalityCode.localeCompare(b.municipalityCode) || a.programCode.localeCompare(b.programCode));
  const sum = (f: (t: LapseTally) => number) => items.reduce((n, t) => n + f(t), 0);
  // Until the month's vouchers are no longer usable nothing has lapsed; the lapse runs from the 1st of M+2.
  return { month, final: !stillUsable(month, today), items, totals: { vouchers: sum((t) => t.vouchers), amount: sum((t) => t.amount), sessions: sum((t) => t.sessions), minutes: sum((t) => t.minutes) } };
}
