import { describe, expect, it } from 'vitest';
import { adhocRun, dueCycleRuns, payoutIdOf, runDateOf } from '../../../domain/settlement/payouts';
import { cycle } from '../../../domain/shared/business-days';
import { koreanHolidays } from '../../../functions/shared/holidays';

describe('PO-01 payout runs', () => {
  it('PO-01 a regular run is made on the day after the cycle\'s last day, whatever the day of the week', () => {
    expect(runDateOf(cycle('2026-03', 1, koreanHolidays))).toBe('2026-03-11'); // pays Fri 13th (15th is a Sunday)
    expect(runDateOf(cycle('2026-02', 3, koreanHolidays))).toBe('2026-03-01'); // a Sunday and a holiday
    expect(runDateOf(cycle('2026-04', 1, koreanHolidays))).toBe('2026-04-11'); // a Saturday
  });

  it('PO-01 a run is due from its run date, and caught up for ten days if the schedule missed it', () => {
    expect(dueCycleRuns('2026-03-10', koreanHolidays).map((r) => r.runId)).toEqual(['2026-02-3']);
    expect(dueCycleRuns('2026-03-11', koreanHolidays).map((r) => r.runId)).toEqual(['2026-03-1']);
    expect(dueCycleRuns('2026-03-20', koreanHolidays).map((r) => r.runId)).toEqual(['2026-03-1']);
    expect(dueCycleRuns('2026-03-21', koreanHolidays).map((r) => r.runId)).toEqual(['2026-03-2']);
    expect(dueCycleRuns('2026-03-11', koreanHolidays)[0]).toMatchObject({ payDate: '2026-03-13', throughDay: '2026-03-10', payDateReason: null });
  });

  it('PO-05 the ad-hoc run pays through the last cycle already run, on the next business day', () => {
    expect(adhocRun('2026-03-11', koreanHolidays)).toMatchObject({ runId: 'adhoc-2026-03-11', payDate: '2026-03-12', throughDay: '2026-02-28' });
    expect(adhocRun('2026-03-13', koreanHolidays)).toMatchObject({ payDate: '2026-03-16', throughDay: '2026-03-10' });
    expect(adhocRun('2026-03-14', koreanHolidays)).toBeNull(); // Saturday
  });

  it('payout ids name the run, the provider and the program: a repeated run finds its payouts', () => {
    const [run] = dueCycleRuns('2026-03-11', koreanHolidays).slice(-1);
    expect(payoutIdOf(run!, 'P0001', 'COMMUNITY')).toBe('PO-2026-03-1-P0001-COMMUNITY');
  });
});

describe('EXC-01/02 claims', async () => {
  const { assessClaim } = await import('../../../domain/payments/claims');
  const { claimPayableDay } = await import('../../../domain/settlement/payouts');
  const { contract, serviceTypes } = await import('../../support/fixtures');
  const request = { serviceCode: '110101', reason: 'CARD_LOST' as const, reasonOccurredOn: '2026-02-20', recipientId: 'R0001', workerId: 'W0001', serviceDate: '2026-02-20', serviceStartAt: '2026-02-20T10:00:00+09:00', serviceEndAt: '2026-02-20T11:00:00+09:00' };
  const ctx = { today: '2026-03-16', providerId: 'P0001', serviceType: serviceTypes.get('110101'), programKind: 'SESSION' as const, contracts: [contract()], worker: { providerId: 'P0001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }, recipient: { municipalityCode: '44130' }, paidDays: [] };

  it('EXC-01 the amount is the per-session amount of the recipient\'s grade', () => {
    expect(assessClaim(request, ctx)).toMatchObject({ ok: true, amount: 36_000, programCode: 'COMMUNITY', municipalityCode: '44130' });
  });

  it('EXC-02 a claim is filed only in the month after the reason occurred', () => {
    expect(assessClaim(request, { ...ctx, today: '2026-02-28' })).toMatchObject({ ok: false, refusal: { code: 'OUTSIDE_CLAIM_WINDOW', rule: 'EXC-02' } });
    expect(assessClaim(request, { ...ctx, today: '2026-04-01' })).toMatchObject({ ok: false, refusal: { rule: 'EXC-02' } });
    expect(assessClaim(request, { ...ctx, today: '2026-03-31' }).ok).toBe(true);
  });

  it('EXC-01 refuses what is not the provider\'s: no contract, another provider\'s worker, a service that ends before it starts', () => {
    expect(assessClaim(request, { ...ctx, contracts: [] })).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT' } });
    expect(assessClaim(request, { ...ctx, worker: { ...ctx.worker, providerId: 'P0002' } })).toMatchObject({ ok: false, refusal: { code: 'WORKER_NOT_ELIGIBLE' } });
    expect(assessClaim({ ...request, serviceEndAt: request.serviceStartAt }, ctx)).toMatchObject({ ok: false, refusal: { code: 'INVALID_SERVICE_TIME' } });
  });

  it('EXC-02 an approved claim goes to a day already run, so the next ad-hoc payout pays it', () => {
    expect(claimPayableDay('2026-03-16', koreanHolidays)).toBe('2026-03-10');
    expect(claimPayableDay('2026-03-12', koreanHolidays)).toBe('2026-03-10');
    expect(claimPayableDay('2026-03-11', koreanHolidays)).toBe('2026-02-28');
  });
});

describe('PO-06 forecast', async () => {
  const { forecast } = await import('../../../domain/settlement/forecast');
  it('PO-06 covers the months in order: POSSIBLE, then PARTIAL, then IMPOSSIBLE; a month not generated yet is estimated from the latest', () => {
    const months = forecast(250_000, new Map([['2026-03', 100_000], ['2026-04', 120_000]]), '2026-03');
    expect(months.map((m) => [m.month, m.expected, m.estimated, m.covered, m.status])).toEqual([
      ['2026-03', 100_000, false, 100_000, 'POSSIBLE'],
      ['2026-04', 120_000, false, 120_000, 'POSSIBLE'],
      ['2026-05', 120_000, true, 30_000, 'PARTIAL'],
    ]);
    expect(forecast(0, new Map([['2026-03', 1]]), '2026-03').map((m) => m.status)).toEqual(['IMPOSSIBLE', 'IMPOSSIBLE', 'IMPOSSIBLE']);
    expect(forecast(10, new Map(), '2026-03').map((m) => m.status)).toEqual(['POSSIBLE', 'POSSIBLE', 'POSSIBLE']);
  });
});

describe('payProvider', async () => {
  const { payProvider } = await import('../../../domain/settlement/payouts');
  const { EMPTY_TOTALS } = await import('../../../domain/settlement/ledger');
  type Port = Parameters<typeof payProvider>[0];
  const run = { runId: '2026-03-1', runDate: '2026-03-12', cycle: '2026-03-1', payDate: '2026-03-13', throughDay: '2026-03-10' };
  const bucket = (over = {}) => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-02', version: 1, approved: 72_000, ...over });
  const { stubPayoutPort } = await import('../../support/payout-port');
  const port = (over: Partial<Port> = {}) => stubPayoutPort({ openBuckets: async () => [bucket()], ...over });
  const account = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '기관' };

  it('PO-02 pays the open buckets from the deposit in one commit', async () => {
    const p = port();
    const outcome = await payProvider(p, run, 'P0001', 'COMMUNITY', account, new Date('2026-03-12T06:30:00+09:00'));
    expect(outcome).toMatchObject({ kind: 'paid', payout: { payoutId: 'PO-2026-03-1-P0001-COMMUNITY', amount: 72_000, status: 'SCHEDULED', payDate: '2026-03-13' } });
    expect(p.commits).toHaveLength(1);
  });

  it('a run made twice finds the payout it made and commits nothing', async () => {
    const made = (await payProvider(port(), run, 'P0001', 'COMMUNITY', account, new Date())) as { payout: object };
    const p = port({ existing: async () => made.payout as never });
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', account, new Date())).toMatchObject({ kind: 'existing' });
    expect(p.commits).toEqual([]);
  });

  it('a bucket that moved meanwhile makes the commit retry with fresh reads', async () => {
    let reads = 0;
    let commits = 0;
    const p = port({ openBuckets: async () => [bucket({ version: ++reads })], commit: async () => (++commits === 1 ? 'conflict' : 'committed') });
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', account, new Date())).toMatchObject({ kind: 'paid' });
    expect(reads).toBe(2);
  });

  it('PO-03 without a payout account nothing is sent: what is due is delayed with reason OTHER', async () => {
    const p = port();
    expect(await payProvider(p, run, 'P0001', 'COMMUNITY', null, new Date())).toMatchObject({ kind: 'delayed', payout: { amount: 0, status: 'DELAYED', delays: [{ reason: 'OTHER', amount: 72_000, municipalityCode: '44130' }] } });
  });
});

describe('one payout, one transaction', async () => {
  const { bucketsForOnePayout, MAX_TRANSACTION_ITEMS } = await import('../../../domain/settlement/payouts');
  const { EMPTY_TOTALS } = await import('../../../domain/settlement/ledger');
  const bucket = (day: string, municipalityCode = '44130') => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode, day, version: 1, approved: 1000 });

  it('PO-02 takes the oldest buckets that fit one transaction; the rest wait for the next run', () => {
    const many = Array.from({ length: 200 }, (_, i) => bucket(`2026-0${1 + Math.floor(i / 28)}-${String((i % 28) + 1).padStart(2, '0')}`, ['44130', '11110', '26110'][i % 3]));
    const taken = bucketsForOnePayout(many);
    const municipalities = new Set(taken.map((b) => b.municipalityCode)).size;
    expect(taken.length + 1 + 3 * municipalities).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
    expect(taken.length).toBeGreaterThan(80);
    expect(taken.map((b) => b.day)).toEqual([...many].map((b) => b.day).sort().slice(0, taken.length));
    expect(bucketsForOnePayout([bucket('2026-03-02')])).toHaveLength(1);
  });
});
