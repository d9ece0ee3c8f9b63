/**
 * Regression (money always right, point 13): the forecast set the deposit's balance — already
 * without what it paid for this month's first cycles — against the whole month's grant, counting
 * that part twice, and it ignored what earlier months still owed the deposit. PO-06: what the
 * deposit has paid for a month's services comes off that month's expected payout; what runs left
 * waiting (delays) and, before the previous month's third cycle is run, the rest of that month
 * come first.
 */
import { describe, expect, it } from 'vitest';
import type { PayoutAccount } from '../../domain/registry/entities';
import { forecast } from '../../domain/settlement/forecast';
import { payProvider } from '../../domain/settlement/payouts';
import { depositForecasts } from '../../domain/settlement/views';
import { InMemorySettlement } from '../fakes/settlement-store';

const account: PayoutAccount = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '기관' };
const at = '2026-03-01T09:00:00+09:00';

async function march() {
  const s = new InMemorySettlement();
  await s.deposit({ depositId: 'D1', municipalityCode: '11110', programCode: 'COMMUNITY', amount: 400_000, depositedAt: at, recordedBy: 'm', at });
  s.granted.set('11110|COMMUNITY', new Map([['2026-03', 200_000], ['2026-04', 200_000], ['2026-05', 200_000]]));
  // The first cycle of March pays 100,000 of March's services.
  await s.apply({ factId: 'F1', providerId: 'P1', programCode: 'COMMUNITY', municipalityCode: '11110', day: '2026-03-04', deltas: { approved: 100_000 } });
  await payProvider(s.engine, { runId: '2026-03-1', runDate: '2026-03-11', cycle: '2026-03-1', payDate: '2026-03-13', throughDay: '2026-03-10' }, 'P1', 'COMMUNITY', account, new Date('2026-03-11T01:00:00+09:00'));
  return s;
}
const clock = { now: () => new Date('2026-03-12T10:00:00+09:00') };

describe('PO-06 the forecast counts what was paid', () => {
  it('PO-06 400,000 deposited, 100,000 of March paid: March needs 100,000 more and April is fully covered (not PARTIAL)', async () => {
    const [f] = await depositForecasts({ deposits: await march(), clock }, { municipalityCode: '11110' });
    expect(f).toMatchObject({ balance: 300_000, paid: { '2026-03': 100_000 }, waiting: 0 });
    expect(f!.months.map((m) => [m.month, m.expected, m.covered, m.status])).toEqual([
      ['2026-03', 100_000, 100_000, 'POSSIBLE'],
      ['2026-04', 200_000, 200_000, 'POSSIBLE'],
      ['2026-05', 200_000, 0, 'IMPOSSIBLE'],
    ]);
  });

  it('PO-06 what a short deposit left waiting for an earlier month is owed first; so is the rest of the previous month before its third cycle is run', async () => {
    const s = await march();
    s.delayRecords.set('P2|COMMUNITY|11110', { providerId: 'P2', programCode: 'COMMUNITY', municipalityCode: '11110', amount: 150_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-02-25', payoutId: 'PO-x', updatedAt: at });
    const [f] = await depositForecasts({ deposits: s, clock }, { municipalityCode: '11110' });
    expect(f!.months.map((m) => [m.covered, m.status])).toEqual([[100_000, 'POSSIBLE'], [50_000, 'PARTIAL'], [0, 'IMPOSSIBLE']]);
    // On 1 April at 00:30 March's third cycle has not been run: March's unpaid rest comes first.
    const april = forecast(300_000, new Map([['2026-03', 200_000], ['2026-04', 200_000]]), '2026-04', { paid: new Map([['2026-03', 100_000]]), previousMonthOpen: true });
    expect(april.map((m) => [m.month, m.expected, m.covered, m.status])).toEqual([['2026-04', 200_000, 200_000, 'POSSIBLE'], ['2026-05', 200_000, 0, 'IMPOSSIBLE'], ['2026-06', 200_000, 0, 'IMPOSSIBLE']]);
  });
});
