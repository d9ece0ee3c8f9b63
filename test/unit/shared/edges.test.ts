/** The edges of the shared calendar, identity masks and business-day cycles. */
import { describe, expect, it } from 'vitest';
import { isValidBusinessNumber, maskCardNumber, maskName, parseRrn } from '../../../domain/registry/identity';
import { cycleOf, cyclesPaidOn } from '../../../domain/shared/business-days';
import { isValidDate, isValidMonth } from '../../../domain/shared/calendar';
import { koreanHolidays } from '../../../functions/shared/holidays';

describe('dates and months', () => {
  it('refuses what is not a date or a month', () => {
    expect(isValidDate('2026-03-00')).toBe(false);
    expect(isValidDate('2026-00-10')).toBe(false);
    expect(isValidDate('20260310')).toBe(false);
    expect(isValidMonth('2026-03')).toBe(true);
    expect(isValidMonth('2026-00')).toBe(false);
    expect(isValidMonth('2026-13')).toBe(false);
    expect(isValidMonth('2026-3')).toBe(false);
  });
});

describe('REG-01/REG-07 identity edges', () => {
  it('a business number is ten digits; an RRN\'s gender digit names a century', () => {
    expect(isValidBusinessNumber('123456789')).toBe(false);
    expect(parseRrn('990101-9234567')).toMatchObject({ birthDate: '1899-01-01' });
    expect(parseRrn('050101-3234567')).toMatchObject({ birthDate: '2005-01-01' });
    expect(parseRrn('050101-0234567')).toMatchObject({ birthDate: '1805-01-01' });
  });

  it('masks short names and short card numbers whole', () => {
    expect(maskName('김')).toBe('*');
    expect(maskName('이서')).toBe('이*');
    expect(maskCardNumber('12345678')).toBe('********');
  });
});

describe('PO-01 cycles', () => {
  it('PO-01 the 11th–20th are the second cycle, the 21st to the month end the third; two cycles can share a pay day', () => {
    expect(cycleOf('2026-03-11', koreanHolidays)).toMatchObject({ cycleId: '2026-03-2', from: '2026-03-11', to: '2026-03-20', payDate: '2026-03-25' });
    expect(cycleOf('2026-03-31', koreanHolidays)).toMatchObject({ cycleId: '2026-03-3', to: '2026-03-31', nominalPayDate: '2026-04-05' });
    expect(cyclesPaidOn('2026-03-13', koreanHolidays).map((c) => c.cycleId)).toEqual(['2026-03-1']);
    expect(cyclesPaidOn('2026-03-14', koreanHolidays)).toEqual([]);
  });
});
