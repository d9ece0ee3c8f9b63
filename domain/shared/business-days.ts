/**
 * Business days and payout cycles (domain.md §2 "Business day", PO-01).
 *
 * A business day is not a Saturday, Sunday, Korean public holiday (lunar Seollal/Chuseok and
 * substitute holidays included) or Labor Day (1 May). Holidays come from a maintained data
 * source through `HolidayCalendar`; a year the source has no data for is an error, never a
 * year without holidays.
 */
import { addDays, addMonths, daysInMonth, type IsoDate, type YearMonth } from './calendar';

export interface HolidayCalendar {
  /** Years the data covers. */
  readonly years: ReadonlySet<number>;
  /** Holiday names of a date (empty: not a holiday). */
  namesOf(date: IsoDate): readonly string[];
}

export class HolidayDataMissing extends Error {
  override readonly name = 'HolidayDataMissing';
  constructor(readonly year: number, covered: ReadonlySet<number>) {
    super(`no Korean holiday data for ${year} (covered: ${[...covered].sort().join(', ')}); update @hyunbinseo/holidays-kr (docs/operations.md: yearly holiday update)`);
  }
}

const weekday = (date: IsoDate) => new Date(`${date}T00:00:00Z`).getUTCDay();

export function isBusinessDay(date: IsoDate, holidays: HolidayCalendar): boolean {
  const year = Number(date.slice(0, 4));
  if (!holidays.years.has(year)) throw new HolidayDataMissing(year, holidays.years);
  const day = weekday(date);
  if (day === 0 || day === 6) return false;
  if (date.slice(5) === '05-01') return false; // Labor Day (노동절 / 근로자의 날)
  return holidays.namesOf(date).length === 0;
}

/** The date itself if it is a business day, else the last business day before it. */
export function onOrBeforeBusinessDay(date: IsoDate, holidays: HolidayCalendar): IsoDate {
  let d = date;
  while (!isBusinessDay(d, holidays)) d = addDays(d, -1);
  return d;
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: IsoDate, holidays: HolidayCalendar): IsoDate {
  let d = addDays(date, 1);
  while (!isBusinessDay(d, holidays)) d = addDays(d, 1);
  return d;
}

/** The last business day strictly before `date`. */
export function previousBusinessDay(date: IsoDate, holidays: HolidayCalendar): IsoDate {
  return onOrBeforeBusinessDay(addDays(date, -1), holidays);
}

export type CycleNumber = 1 | 2 | 3;

/** A payout cycle (PO-01): `2026-03-1` covers approvals of 1–10 March, paid on the 15th. */
export interface Cycle {
  cycleId: string;
  month: YearMonth;
  number: CycleNumber;
  /** First and last approval dates of the cycle. */
  from: IsoDate;
  to: IsoDate;
  /** The nominal pay day (15th, 25th, 5th of the next month) and the business day it is paid on. */
  nominalPayDate: IsoDate;
  payDate: IsoDate;
  /** PO-01: the day after the cycle's last day, when its regular run is made (from 01:00 KST). */
  runDate: IsoDate;
  /** PO-01 "too close to close": the pay day moved after the first business day of the run. */
  payDateReason: 'AFTER_CYCLE_CLOSE' | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A cycle's approval days (no holidays needed). */
export function cycleBounds(month: YearMonth, number: CycleNumber): { from: IsoDate; to: IsoDate } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const [fromDay, toDay] = number === 1 ? [1, 10] : number === 2 ? [11, 20] : [21, daysInMonth(y, m)];
  return { from: `${month}-${pad(fromDay)}`, to: `${month}-${pad(toDay)}` };
}

export function cycle(month: YearMonth, number: CycleNumber, holidays: HolidayCalendar): Cycle {
  const nominalPayDate = number === 1 ? `${month}-15` : number === 2 ? `${month}-25` : `${addMonths(month, 1)}-05`;
  const { from, to } = cycleBounds(month, number);
  const runDate = addDays(to, 1);
  // PO-01: a pay day not later than the first business day on or after the run day could not get
  // its CMS file in time (CMS-05: created the business day before): it moves to the business day
  // after that one (21–30 April 2026: run 1 May, first business day 4 May = the moved pay day → 6 May).
  const moved = onOrBeforeBusinessDay(nominalPayDate, holidays);
  const firstBusinessDay = onOrAfterBusinessDay(runDate, holidays);
  const tooClose = moved <= firstBusinessDay;
  return {
    cycleId: `${month}-${number}`,
    month,
    number,
    from,
    to,
    nominalPayDate,
    payDate: tooClose ? nextBusinessDay(firstBusinessDay, holidays) : moved,
    runDate,
    payDateReason: tooClose ? 'AFTER_CYCLE_CLOSE' : null,
  };
}

/** The date itself if it is a business day, else the first business day after it. */
export function onOrAfterBusinessDay(date: IsoDate, holidays: HolidayCalendar): IsoDate {
  let d = date;
  while (!isBusinessDay(d, holidays)) d = addDays(d, 1);
  return d;
}

/** The cycle an approval date belongs to. */
export function cycleOf(approvalDate: IsoDate, holidays: HolidayCalendar): Cycle {
  const day = Number(approvalDate.slice(8, 10));
  return cycle(approvalDate.slice(0, 7), day <= 10 ? 1 : day <= 20 ? 2 : 3, holidays);
}

/** The cycles whose pay day is `date` (two can share one when a holiday run moves a pay day). */
export function cyclesPaidOn(date: IsoDate, holidays: HolidayCalendar): Cycle[] {
  const months = [addMonths(date.slice(0, 7), -1), date.slice(0, 7)];
  return months.flatMap((month) => ([1, 2, 3] as const).map((n) => cycle(month, n, holidays))).filter((c) => c.payDate === date);
}
