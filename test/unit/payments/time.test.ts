import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billSession, coverBill, isSurcharged, multipleInHundredths, type TimeTerms } from '../../../domain/payments/time';
import { koreanHolidays } from '../../../functions/shared/holidays';

const kst = (s: string) => new Date(`${s}+09:00`);
/** Activity support's terms in these examples: 16,620 won an hour, 15-minute units, 1.5× at night and on holidays. */
const terms: TimeTerms = { hourlyRate: 16_620, unitMinutes: 15, maxSessionMinutes: 480, surchargeMultiple: 1.5 };
const bill = (from: string, to: string, t: TimeTerms = terms) => billSession(t, kst(from), kst(to), koreanHolidays);

describe('TIME-02 worked examples (each unit 16,620 × 15 / 60 = 4,155 won; surcharged 6,232.5)', () => {
  it('a Tuesday afternoon 14:00–16:00: 8 units × 4,155 = 33,240', () => {
    expect(bill('2026-03-10T14:00:00', '2026-03-10T16:00:00')).toMatchObject({ elapsedMinutes: 120, minutes: 120, units: 8, surchargedUnits: 0, amount: 33_240 });
  });

  it('14:00–16:14 is still 8 units: 134 minutes round down to 120', () => {
    expect(bill('2026-03-10T14:00:00', '2026-03-10T16:14:59')).toMatchObject({ elapsedMinutes: 134, minutes: 120, amount: 33_240 });
  });

  it('across 22:00, 21:00–23:00: 4 × 4,155 + 4 × 6,232.5 = 16,620 + 24,930 = 41,550', () => {
    expect(bill('2026-03-10T21:00:00', '2026-03-10T23:00:00')).toMatchObject({ units: 8, surchargedUnits: 4, amount: 41_550 });
  });

  it('the sum is rounded once: at 16,621 won 21:00–23:00 is 4 × 4,155.25 + 4 × 6,232.875 = 41,552.5 → 41,552 (per unit it would be 41,548)', () => {
    expect(bill('2026-03-10T21:00:00', '2026-03-10T23:00:00', { ...terms, hourlyRate: 16_621 }).amount).toBe(41_552);
  });

  it('a unit is decided by its start: 05:45–06:15 is 6,232.5 (starts at night) + 4,155 = 10,387.5 → 10,387', () => {
    expect(bill('2026-03-11T05:45:00', '2026-03-11T06:15:00')).toMatchObject({ units: 2, surchargedUnits: 1, amount: 10_387 });
  });

  it('Saturday is not a holiday: Saturday 2026-03-14 10:00–12:00 is 8 × 4,155 = 33,240', () => {
    expect(bill('2026-03-14T10:00:00', '2026-03-14T12:00:00')).toMatchObject({ surchargedUnits: 0, amount: 33_240 });
  });

  it('across midnight into Sunday: Saturday 2026-03-14 21:00 → Sunday 01:00 is 4 plain + 12 surcharged = 16,620 + 74,790 = 91,410', () => {
    expect(bill('2026-03-14T21:00:00', '2026-03-15T01:00:00')).toMatchObject({ units: 16, surchargedUnits: 12, amount: 91_410 });
  });

  it('a public holiday and Labor Day are surcharged all day: 2026-03-02 (substitute for 삼일절) and 2026-05-01, 10:00–11:00 is 4 × 6,232.5 = 24,930', () => {
    expect(bill('2026-03-02T10:00:00', '2026-03-02T11:00:00').amount).toBe(24_930);
    expect(bill('2026-05-01T10:00:00', '2026-05-01T11:00:00').amount).toBe(24_930);
    expect(bill('2026-03-03T10:00:00', '2026-03-03T11:00:00').amount).toBe(16_620);
  });

  it('a session shorter than one unit bills nothing: 14:00–14:14 is 0 units, 0 won', () => {
    expect(bill('2026-03-10T14:00:00', '2026-03-10T14:14:59')).toMatchObject({ units: 0, minutes: 0, amount: 0 });
  });

  it('the night window is 22:00 to 06:00 KST', () => {
    expect(isSurcharged(kst('2026-03-10T21:59:59'), koreanHolidays)).toBe(false);
    expect(isSurcharged(kst('2026-03-10T22:00:00'), koreanHolidays)).toBe(true);
    expect(isSurcharged(kst('2026-03-11T05:59:59'), koreanHolidays)).toBe(true);
    expect(isSurcharged(kst('2026-03-11T06:00:00'), koreanHolidays)).toBe(false);
  });
});

describe('TIME-02 a voucher with too little left pays what is left and records the rest', () => {
  const afternoon = bill('2026-03-10T14:00:00', '2026-03-10T16:00:00'); // 8 units, 33,240

  it('short of won: 20,000 left of a 33,240 bill pays 20,000 for all 120 minutes; 13,240 uncovered', () => {
    expect(coverBill(terms, afternoon, { remainingAmount: 20_000, remainingMinutes: 600 })).toEqual({ amount: 20_000, minutes: 120, uncoveredAmount: 13_240, uncoveredMinutes: 0 });
  });

  it('short of minutes: 50 minutes left cover 3 whole units = 12,465; 20,775 and 75 minutes uncovered', () => {
    expect(coverBill(terms, afternoon, { remainingAmount: 100_000, remainingMinutes: 50 })).toEqual({ amount: 12_465, minutes: 45, uncoveredAmount: 20_775, uncoveredMinutes: 75 });
  });

  it('enough of both: the whole bill', () => {
    expect(coverBill(terms, afternoon, { remainingAmount: 1_000_000, remainingMinutes: 6_000 })).toEqual({ amount: 33_240, minutes: 120, uncoveredAmount: 0, uncoveredMinutes: 0 });
  });
});

describe('TIME-02 properties', () => {
  const arbTerms = fc.record({
    hourlyRate: fc.integer({ min: 1_000, max: 60_000 }),
    unitMinutes: fc.constantFrom(1, 5, 10, 15, 30, 60),
    maxSessionMinutes: fc.constant(1_440),
    surchargeMultiple: fc.integer({ min: 100, max: 300 }).map((h) => h / 100),
  });
  // Instants across 2026–2027 (holidays, Sundays, Labor Day and month ends among them).
  const arbStart = fc.integer({ min: Date.parse('2026-01-01T00:00:00+09:00') / 60_000, max: Date.parse('2027-12-30T00:00:00+09:00') / 60_000 }).map((m) => new Date(m * 60_000));
  const arbMinutes = fc.integer({ min: 0, max: 1_440 });

  it('the amount never exceeds rate × minutes / 60 × multiple, and never falls below rate × minutes / 60', () => {
    fc.assert(
      fc.property(arbTerms, arbStart, arbMinutes, (t, start, minutes) => {
        const b = billSession(t, start, new Date(start.getTime() + minutes * 60_000), koreanHolidays);
        expect(b.amount * 6_000).toBeLessThanOrEqual(t.hourlyRate * b.minutes * multipleInHundredths(t.surchargeMultiple));
        expect(b.amount).toBeGreaterThanOrEqual(Math.floor((t.hourlyRate * b.minutes) / 60));
        expect(b.minutes).toBeLessThanOrEqual(minutes);
        expect(minutes - b.minutes).toBeLessThan(t.unitMinutes);
      }),
      { numRuns: 400 },
    );
  });

  it('the amount does not depend on how a session is cut into units: two halves cut on a unit boundary are the same units, and their rounded amounts sum to the whole within a won', () => {
    fc.assert(
      fc.property(arbTerms, arbStart, arbMinutes, fc.nat(), (t, start, minutes, cut) => {
        const end = new Date(start.getTime() + minutes * 60_000);
        const whole = billSession(t, start, end, koreanHolidays);
        const k = whole.units === 0 ? 0 : cut % (whole.units + 1);
        const mid = new Date(start.getTime() + k * t.unitMinutes * 60_000);
        const a = billSession(t, start, mid, koreanHolidays);
        const b = billSession(t, mid, end, koreanHolidays);
        expect([...a.weights, ...b.weights]).toEqual(whole.weights);
        expect(whole.amount - (a.amount + b.amount)).toBeGreaterThanOrEqual(0);
        expect(whole.amount - (a.amount + b.amount)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it('a covered payment never takes the voucher below zero in won or minutes, and paid + uncovered is the bill', () => {
    fc.assert(
      fc.property(arbTerms, arbStart, arbMinutes, fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 6_000 }), (t, start, minutes, remainingAmount, remainingMinutes) => {
        const b = billSession(t, start, new Date(start.getTime() + minutes * 60_000), koreanHolidays);
        const c = coverBill(t, b, { remainingAmount, remainingMinutes });
        expect(c.amount).toBeGreaterThanOrEqual(0);
        expect(c.amount).toBeLessThanOrEqual(remainingAmount);
        expect(c.minutes).toBeLessThanOrEqual(remainingMinutes);
        expect(c.amount + c.uncoveredAmount).toBe(b.amount);
        expect(c.minutes + c.uncoveredMinutes).toBe(b.minutes);
      }),
      { numRuns: 400 },
    );
  });
});
