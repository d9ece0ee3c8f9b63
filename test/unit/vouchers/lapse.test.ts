/** VCH-04 lapse report: per municipality × program, from the totals kept with each lapse. */
import { describe, expect, it } from 'vitest';
import { lapsedReport, type LapsedTotal } from '../../../domain/vouchers/lapse';

const total = (municipalityCode: string, programCode: string, amount: number, over: Partial<LapsedTotal> = {}): LapsedTotal => ({ month: '2026-03', municipalityCode, programCode, vouchers: 1, amount, sessions: 2, minutes: 0, ...over });

describe('VCH-04 lapsed report', () => {
  it('lists each municipality × program in order and sums them; final once the month is no longer usable', async () => {
    const port = { lapsedTotals: async (_m: string, municipalityCode: string | undefined) => [total('44130', 'HOUSEWORK', 5_000, { minutes: 120, sessions: 0 }), total('11110', 'COMMUNITY', 30_000), total('44130', 'COMMUNITY', 10_000)].filter((t) => !municipalityCode || t.municipalityCode === municipalityCode) };
    const report = await lapsedReport(port, '2026-03', undefined, '2026-05-01');
    expect(report.final).toBe(true);
    expect(report.items.map((t) => `${t.municipalityCode}/${t.programCode}`)).toEqual(['11110/COMMUNITY', '44130/COMMUNITY', '44130/HOUSEWORK']);
    expect(report.totals).toEqual({ vouchers: 3, amount: 45_000, sessions: 4, minutes: 120 });
    const early = await lapsedReport(port, '2026-03', '44130', '2026-04-30');
    expect(early.final).toBe(false);
    expect(early.items).toHaveLength(2);
  });
});
