/** VCH-04 lapse report: per municipality × program, from the totals kept with each lapse. */
import { describe, expect, it } from 'vitest';
import { lapsedReport, type LapsedTotal, lapseVouchers, type LapsingVoucher } from '../../../domain/vouchers/lapse';

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

  it('VCH-04 lapses what remains once: a voucher lapsed already, one with nothing left, or one the store finds lapsed is not counted', async () => {
    const v = (recipientId: string, over: Partial<LapsingVoucher> = {}): LapsingVoucher => ({ recipientId, serviceCode: '110101', programCode: 'COMMUNITY', municipalityCode: '44130', month: '2026-03', remainingAmount: 36_000, remainingSessions: 1, ...over });
    const lapsed: string[] = [];
    const port = {
      vouchersOf: async () => [v('R1'), v('R2', { lapsedAt: '2026-05-01T00:00:00+09:00' }), v('R3', { remainingAmount: 0, remainingSessions: 0 }), v('R4'), v('R5', { remainingMinutes: 60, remainingAmount: 0, remainingSessions: 0 })],
      lapse: async (x: LapsingVoucher) => (x.recipientId === 'R4' ? false : (lapsed.push(x.recipientId), true)),
    };
    expect(await lapseVouchers(port, ['R1'], '2026-03', '2026-05-01', '2026-05-01T00:10:00+09:00')).toEqual({ vouchers: 2, amount: 36_000, sessions: 1, minutes: 60 });
    expect(lapsed).toEqual(['R1', 'R5']);
  });
});

