/**
 * The auditor's own calendar (domain.md §2, PO-01, CMS-05), written from the spec and not shared
 * with domain/: KST dates as plain strings, business days from the holiday data itself.
 */
import * as holidayData from '@hyunbinseo/holidays-kr/all';

const holidays = new Set<string>();
for (const [name, table] of Object.entries(holidayData)) if (/^y\d{4}$/.test(name)) for (const date of Object.keys(table as object)) holidays.add(date);

const DAY = 86_400_000;
const KST = 9 * 3_600_000;

export const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
export const fromDate = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => fromDate(new Date(toDate(day).getTime() + n * DAY));
export const weekday = (day: string) => toDate(day).getUTCDay();
export const lastDayOfMonth = (month: string) => fromDate(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)));
export const addMonths = (month: string, n: number) => {
  const m = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
};
/** The KST calendar day of an instant. */
export const kstDay = (instant: string | Date) => fromDate(new Date(new Date(instant).getTime() + KST));
/** `2026-03-10T14:05:00+09:00`. */
export const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+09:00`;

/** A public holiday of the data (lunar and substitute holidays included). */
export const isHoliday = (day: string) => holidays.has(day);

/** Not Saturday, Sunday, a public holiday or Labor Day (1 May). */
export function isBusinessDay(day: string): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6 && !holidays.has(day) && day.slice(5) !== '05-01';
}
export const previousBusinessDay = (day: string) => {
  let d = addDays(day, -1);
  while (!isBusinessDay(d)) d = addDays(d, -1);
  return d;
};
export const nextBusinessDay = (day: string) => {
  let d = addDays(day, 1);
  while (!isBusinessDay(d)) d = addDays(d, 1);
  return d;
};
const onOrBefore = (day: string) => (isBusinessDay(day) ? day : previousBusinessDay(day));
const onOrAfter = (day: string) => (isBusinessDay(day) ? day : nextBusinessDay(day));

export interface CycleDates {
  cycle: string;
  first: string;
  last: string;
  /** The day from whose 01:00 the regular run is made. */
  runDay: string;
  payDay: string;
  moved: boolean;
}

/** PO-01: the cycle an approval day belongs to, with its run day and pay day. */
export function cycleOf(day: string): CycleDates {
  const month = day.slice(0, 7);
  const d = Number(day.slice(8));
  const k = d <= 10 ? 1 : d <= 20 ? 2 : 3;
  const first = `${month}-${['01', '11', '21'][k - 1]}`;
  const last = k === 1 ? `${month}-10` : k === 2 ? `${month}-20` : lastDayOfMonth(month);
  const nominal = k === 1 ? `${month}-15` : k === 2 ? `${month}-25` : `${addMonths(month, 1)}-05`;
  const runDay = addDays(last, 1);
  let payDay = onOrBefore(nominal);
  let moved = false;
  // Too close to close: the pay day must be later than the first business day on or after the run day.
  const firstAfterRun = onOrAfter(runDay);
  if (payDay <= firstAfterRun) {
    payDay = nextBusinessDay(firstAfterRun);
    moved = true;
  }
  return { cycle: `${month}-${k}`, first, last, runDay, payDay, moved };
}
