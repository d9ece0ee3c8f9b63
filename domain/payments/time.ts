/**
 * Time-based programs (domain.md §4.6, TIME-02): what a session of service is worth, to the won.
 *
 * The elapsed minutes are rounded down to the billing unit; each unit is paid at
 * `rate × unit / 60`, times the surcharge multiple when the unit *starts* in the night window
 * (22:00–06:00 KST) or on a holiday (Sunday, public holiday, Labor Day; never Saturday). The sum
 * is rounded down once, at the end: no unit is rounded on its own, so the amount does not depend
 * on how a session is cut into units. All arithmetic is in integers (a multiple is kept in
 * hundredths), never floating point.
 */
import type { TimeTerms } from '../registry/entities';
import type { HolidayCalendar } from '../shared/business-days';

export type { TimeTerms };
import { kstDate } from '../shared/calendar';


/** TIME-04: a retroactive time payment covers at most this many minutes. */
export const MAX_RETRO_TIME_MINUTES = 8 * 60;

const KST_OFFSET_MS = 9 * 3600_000;
/** A unit's weight in hundredths of the rate: 100 plain, the multiple × 100 surcharged. */
const PLAIN = 100;
/** rate × unit × weight is in won × minutes × hundredths: dividing by 60 × 100 gives won. */
const WEIGHT_DIVISOR = 60 * PLAIN;

export const multipleInHundredths = (multiple: number): number => Math.round(multiple * PLAIN);

/** TIME-02: Sunday, a public holiday or Labor Day (Saturday is not a holiday here). */
export function isTimeHoliday(date: string, holidays: HolidayCalendar): boolean {
  if (new Date(`${date}T00:00:00Z`).getUTCDay() === 0) return true;
  if (date.slice(5) === '05-01') return true;
  return holidays.namesOf(date).length > 0;
}

/** TIME-02: a unit starting at this instant is surcharged (night window 22:00–06:00 KST, or a holiday). */
export function isSurcharged(instant: Date, holidays: HolidayCalendar): boolean {
  const hour = new Date(instant.getTime() + KST_OFFSET_MS).getUTCHours();
  return hour >= 22 || hour < 6 || isTimeHoliday(kstDate(instant), holidays);
}

/** What a session is worth before the voucher is consulted. */
export interface TimeBill {
  /** Whole minutes from start to end. */
  elapsedMinutes: number;
  /** Billed minutes: whole units only. */
  minutes: number;
  units: number;
  /** Units that started in the night window or on a holiday. */
  surchargedUnits: number;
  /** Each unit's weight in hundredths (100, or the multiple × 100), in order. */
  weights: number[];
  /** floor(Σ rate × unit / 60 × weight). */
  amount: number;
}

/** The won of the first `count` units of a bill: the exact sum, rounded down once. */
export function valueOfUnits(terms: TimeTerms, weights: readonly number[], count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += weights[i]!;
  return Math.floor((terms.hourlyRate * terms.unitMinutes * sum) / WEIGHT_DIVISOR);
}

/** TIME-02: the bill of a session from `start` to `end` (end before start bills nothing). */
export function billSession(terms: TimeTerms, start: Date, end: Date, holidays: HolidayCalendar): TimeBill {
  const elapsedMinutes = Math.max(0, Math.floor((end.getTime() - start.getTime()) / 60_000));
  const units = Math.floor(elapsedMinutes / terms.unitMinutes);
  const surcharge = multipleInHundredths(terms.surchargeMultiple);
  const weights: number[] = [];
  for (let i = 0; i < units; i++) weights.push(isSurcharged(new Date(start.getTime() + i * terms.unitMinutes * 60_000), holidays) ? surcharge : PLAIN);
  return {
    elapsedMinutes,
    minutes: units * terms.unitMinutes,
    units,
    surchargedUnits: weights.filter((w) => w !== PLAIN).length,
    weights,
    amount: valueOfUnits(terms, weights, units),
  };
}

/** What a time payment takes from its voucher, and what the voucher could not cover (TIME-02). */
export interface TimeCoverage {
  /** Won paid: at most what the voucher has left. */
  amount: number;
  /** Minutes deducted: whole units, at most what the voucher has left. */
  minutes: number;
  /** The bill's won the voucher did not cover (recorded on the payment, never paid). */
  uncoveredAmount: number;
  uncoveredMinutes: number;
}

/**
 * TIME-02: where the voucher has less left, the payment takes what is left of either. The units
 * are covered in order while minutes remain; the amount is their value, capped at the balance.
 */
export function coverBill(terms: TimeTerms, bill: TimeBill, left: { remainingAmount: number; remainingMinutes: number }): TimeCoverage {
  const units = Math.min(bill.units, Math.floor(Math.max(0, left.remainingMinutes) / terms.unitMinutes));
  const amount = Math.min(valueOfUnits(terms, bill.weights, units), Math.max(0, left.remainingAmount));
  return { amount, minutes: units * terms.unitMinutes, uncoveredAmount: bill.amount - amount, uncoveredMinutes: bill.minutes - units * terms.unitMinutes };
}
