/**
 * Calendar arithmetic in Korea Standard Time (Asia/Seoul, UTC+9, no DST).
 * Dates are `YYYY-MM-DD` strings, months `YYYY-MM`; both sort lexically.
 */
export type IsoDate = string;

export type YearMonth = string;

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MONTH_RE = /^(\d{4})-(\d{2})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The KST calendar date of an instant. */
export function kstDate(instant: Date): IsoDate {
  const shifted = new Date(instant.getTime() + KST_OFFSET_MS);
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

export function kstMonth(instant: Date): YearMonth {
  return kstDate(instant).slice(0, 7);
}

/** `2026-03-10T15:01:12+09:00`: the instant written in KST, as the API shows instants. */
export function formatKst(instant: Date): string {
  const shifted = new Date(instant.getTime() + KST_OFFSET_MS);
  const iso = shifted.toISOString(); // 2026-03-10T06:01:12.000Z shifted by +9h
  return `${iso.slice(0, 19)}+09:00`;
}

export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function isValidMonth(value: string): boolean {
  const m = MONTH_RE.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function monthOf(date: IsoDate): YearMonth {
  return date.slice(0, 7);
}

export function firstDayOf(month: YearMonth): IsoDate {
  return `${month}-01`;
}

export function lastDayOf(month: YearMonth): IsoDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${pad(daysInMonth(y, m))}`;
}

export function addMonths(month: YearMonth, n: number): YearMonth {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
