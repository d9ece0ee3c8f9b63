import { describe, expect, it } from 'vitest';
import { cycle, cycleOf, cyclesPaidOn, type HolidayCalendar, HolidayDataMissing, isBusinessDay, nextBusinessDay, previousBusinessDay } from '../../../domain/shared/business-days';
import { koreanHolidays } from '../../../functions/shared/holidays';

describe('business days (§2) from the maintained holiday data', () => {
  it('knows weekends, lunar and substitute holidays, the 2026 additions and Labor Day', () => {
    expect(isBusinessDay('2026-03-10', koreanHolidays)).toBe(true);
    expect(isBusinessDay('2026-03-14', koreanHolidays)).toBe(false); // Saturday
    for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-09-24', '2026-09-25', '2026-03-02', '2026-08-17', '2026-10-05', '2026-06-03', '2026-07-17', '2026-05-01', '2025-05-01']) {
      expect(isBusinessDay(d, koreanHolidays), d).toBe(false);
    }
  });

  it('refuses to guess for a year the data does not cover', () => {
    expect(() => isBusinessDay('2031-03-10', koreanHolidays)).toThrow(HolidayDataMissing);
    expect(() => isBusinessDay('2031-03-10', koreanHolidays)).toThrow(/no Korean holiday data for 2031/);
  });

  it('steps to the next and previous business day over holidays', () => {
    expect(nextBusinessDay('2026-02-13', koreanHolidays)).toBe('2026-02-19'); // Fri → over the weekend and Seollal
    expect(previousBusinessDay('2026-03-03', koreanHolidays)).toBe('2026-02-27'); // over the weekend and the substitute holiday
  });
});

describe('PO-01 cycles', () => {
  it('PO-01 cycles cover 1-10, 11-20 and 21-month end, paid on the 15th, the 25th and the 5th of the next month', () => {
    expect(cycle('2026-03', 1, koreanHolidays)).toMatchObject({ cycleId: '2026-03-1', from: '2026-03-01', to: '2026-03-10', payDate: '2026-03-13' }); // 15th is a Sunday
    expect(cycle('2026-03', 2, koreanHolidays)).toMatchObject({ from: '2026-03-11', to: '2026-03-20', payDate: '2026-03-25' });
    expect(cycle('2026-02', 3, koreanHolidays)).toMatchObject({ from: '2026-02-21', to: '2026-02-28', nominalPayDate: '2026-03-05', payDate: '2026-03-05' });
    expect(cycleOf('2026-03-31', koreanHolidays).cycleId).toBe('2026-03-3');
  });

  it('PO-01 moves a pay day that is not a business day to the previous business day (25 Oct 2025 → 24 Oct)', () => {
    expect(cycle('2025-10', 2, koreanHolidays).payDate).toBe('2025-10-24');
    expect(cycle('2026-09', 2, koreanHolidays).payDate).toBe('2026-09-23'); // 24-26 Sept is Chuseok
  });

  it('finds the cycles paid on a date', () => {
    expect(cyclesPaidOn('2026-03-13', koreanHolidays).map((c) => c.cycleId)).toEqual(['2026-03-1']);
    expect(cyclesPaidOn('2026-03-05', koreanHolidays).map((c) => c.cycleId)).toEqual(['2026-02-3']);
    expect(cyclesPaidOn('2026-03-16', koreanHolidays)).toEqual([]);
  });

  it('works with any holiday source through the port', () => {
    const none: HolidayCalendar = { years: new Set([2026]), namesOf: () => [] };
    expect(cycle('2026-03', 1, none).payDate).toBe('2026-03-13');
  });
});
