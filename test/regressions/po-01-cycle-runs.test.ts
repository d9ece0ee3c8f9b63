/**
 * Regressions (money always right, points 1 and 2), PO-01:
 * - the regular run waited for the business day before the pay day, so a deposit shortfall was
 *   found with no time to top up; it is made from the day after the cycle closes, any weekday;
 * - `dueCycleRuns` skipped a cycle whose pay day falls on the first business day after it closes:
 *   21–30 April 2026 was paid only by the ad-hoc run of 6 May. "Too close to close": such a cycle
 *   is paid as itself on the business day after that one, `payDateReason: AFTER_CYCLE_CLOSE`.
 */
import { describe, expect, it } from 'vitest';
import { dueCycleRuns } from '../../domain/settlement/payouts';
import type { PayoutRun } from '../../domain/settlement/payout';
import { isBusinessDay, nextBusinessDay, onOrAfterBusinessDay, onOrBeforeBusinessDay, cycle } from '../../domain/shared/business-days';
import { addDays, addMonths } from '../../domain/shared/calendar';
import { koreanHolidays } from '../../functions/shared/holidays';

const due = (day: string) => dueCycleRuns(day, koreanHolidays);

describe('PO-01 cycle runs', () => {
  it('PO-01 the run of 1–10 April 2026 is made on Saturday 11 April, four business days before its pay day', () => {
    expect(due('2026-04-10').map((r) => r.runId)).not.toContain('2026-04-1');
    expect(due('2026-04-11').find((r) => r.runId === '2026-04-1')).toMatchObject({ runDate: '2026-04-11', payDate: '2026-04-15', payDateReason: null, throughDay: '2026-04-10' });
  });

  it('PO-01 21–30 April 2026 is paid as itself on Wednesday 6 May, after its close, never as an ad-hoc payout', () => {
    expect(due('2026-05-01').find((r) => r.runId === '2026-04-3')).toEqual({ runId: '2026-04-3', runDate: '2026-05-01', cycle: '2026-04-3', payDate: '2026-05-06', payDateReason: 'AFTER_CYCLE_CLOSE', throughDay: '2026-04-30' });
  });

  it('PO-01 every cycle from 2018 to 2027 is run exactly once as itself, on a pay day its CMS file can meet', () => {
    const runs = new Map<string, PayoutRun[]>();
    for (let day = '2018-01-01'; day <= '2027-12-31'; day = addDays(day, 1)) for (const r of due(day)) runs.set(r.runId, [...(runs.get(r.runId) ?? []), r]);
    const tooClose: string[] = [];
    for (let month = '2018-01'; month <= '2027-11'; month = addMonths(month, 1)) {
      for (const n of [1, 2, 3] as const) {
        const c = cycle(month, n, koreanHolidays);
        const made = runs.get(c.cycleId) ?? [];
        // Due from its run day (the day after it closes) for the catch-up window, with one pay day.
        expect(made[0]?.runDate, c.cycleId).toBe(addDays(c.to, 1));
        expect(new Set(made.map((r) => `${r.payDate}/${r.payDateReason}`)).size, c.cycleId).toBe(1);
        const { payDate, payDateReason } = made[0]!;
        const firstBusinessDay = onOrAfterBusinessDay(addDays(c.to, 1), koreanHolidays);
        expect(isBusinessDay(payDate, koreanHolidays), c.cycleId).toBe(true);
        // CMS-05: the file of the pay day is made the business day before, from 09:00, after the 01:00 run.
        expect(payDate > firstBusinessDay, c.cycleId).toBe(true);
        expect(payDate, c.cycleId).toBe(payDateReason ? nextBusinessDay(firstBusinessDay, koreanHolidays) : onOrBeforeBusinessDay(c.nominalPayDate, koreanHolidays));
        if (payDateReason) tooClose.push(c.cycleId);
      }
    }
    expect([...runs.keys()].every((id) => !id.startsWith('adhoc'))).toBe(true);
    // The 11 cycles the old rule skipped with the shipped holiday data, each now paid as itself.
    expect(tooClose).toEqual(['2018-09-2', '2019-01-3', '2019-09-1', '2020-04-3', '2020-09-3', '2021-02-1', '2023-01-2', '2025-04-3', '2026-04-3', '2027-04-3', '2027-09-1']);
  });
});
