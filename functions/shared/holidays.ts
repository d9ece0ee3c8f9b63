/**
 * Korean public holidays from `@hyunbinseo/holidays-kr` (the official gazette, with lunar and
 * substitute holidays and one-off days such as elections). The package is updated each year when
 * the next year's holidays are announced; the yearly update path is in docs/operations.md. A year it does
 * not cover makes `isBusinessDay` throw rather than guess.
 */
import * as data from '@hyunbinseo/holidays-kr/all';
import type { HolidayCalendar } from '../../domain/shared/business-days';

const byDate = new Map<string, readonly string[]>();
const years = new Set<number>();
for (const [name, table] of Object.entries(data)) {
  const year = Number(name.slice(1));
  if (!Number.isInteger(year)) continue;
  years.add(year);
  for (const [date, names] of Object.entries(table as Record<string, readonly string[]>)) byDate.set(date, names);
}

export const koreanHolidays: HolidayCalendar = {
  years,
  namesOf: (date) => byDate.get(date) ?? [],
};
