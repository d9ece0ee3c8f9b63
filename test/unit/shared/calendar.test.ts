import { describe, expect, it } from 'vitest';
import { addDays, addMonths, formatKst, isValidDate, kstDate, kstMonth, lastDayOf } from '../../../domain/shared/calendar';

describe('KST calendar', () => {
  it('dates an instant in Korea, not in UTC', () => {
    const lateUtc = new Date('2026-02-28T15:30:00Z'); // 2026-03-01 00:30 KST
    expect(kstDate(lateUtc)).toBe('2026-03-01');
    expect(kstMonth(lateUtc)).toBe('2026-03');
    expect(formatKst(lateUtc)).toBe('2026-03-01T00:30:00+09:00');
  });

  it('knows month lengths and leap years', () => {
    expect(lastDayOf('2026-02')).toBe('2026-02-28');
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-13-01')).toBe(false);
  });

  it('moves across years', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
