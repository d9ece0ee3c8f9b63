/**
 * Regression found by the simulation (seed 4, `npm run simulate -- --seed 4 --days 12 --scale 0.1`):
 * cycle 2027-09-1 (Chuseok: the 15th's pay day moves to Monday the 13th, the first business day
 * after its run) was rightly paid on the 17th, but its payout said `payDateReason: null`. The run
 * crossed the `payouts` queue as a message whose schema dropped the reason, so every cycle paid
 * "too close to close" lost it (PO-01, api.md: `AFTER_CYCLE_CLOSE`).
 */
import { describe, expect, it } from 'vitest';
import { dueCycleRuns } from '../../domain/settlement/payouts';
import { payoutShardTask } from '../../events/payouts';
import { koreanHolidays } from '../../functions/shared/holidays';

const overTheQueue = (task: unknown) => payoutShardTask.parse(JSON.parse(JSON.stringify(task)));

describe('PO-01 the reason a pay day moved reaches the payout', () => {
  it.each([
    ['2027-09-11', '2027-09-1', '2027-09-17'],
    ['2026-05-01', '2026-04-3', '2026-05-06'],
  ])('PO-01 seed 4: the run of %s (cycle %s, paid %s) crosses the payouts queue with AFTER_CYCLE_CLOSE', (today, cycle, payDate) => {
    const run = dueCycleRuns(today, koreanHolidays).find((r) => r.runId === cycle)!;
    expect(run).toMatchObject({ payDate, payDateReason: 'AFTER_CYCLE_CLOSE' });
    expect(overTheQueue({ version: 1, run, shard: 0, decidedAt: `${today}T01:00:00+09:00` }).run).toMatchObject({ payDate, payDateReason: 'AFTER_CYCLE_CLOSE' });
  });

  it('PO-01 a run without a moved pay day crosses the queue without a reason', () => {
    const run = dueCycleRuns('2026-03-11', koreanHolidays).find((r) => r.runId === '2026-03-1')!;
    expect(overTheQueue({ version: 1, run, shard: 0, decidedAt: '2026-03-11T01:00:00+09:00' }).run.payDateReason ?? null).toBeNull();
  });
});
