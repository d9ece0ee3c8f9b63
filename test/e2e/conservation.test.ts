/**
 * PO-08 as a property: random sequences of payments, cancellations, refunds, holds, decisions,
 * deposits and payout runs against the whole local stack; after each sequence the conservation
 * report recomputed from the stored facts must balance.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDateOf } from '../../domain/settlement/payouts';
import { cycleOf, isBusinessDay } from '../../domain/shared/business-days';
import { addDays } from '../../domain/shared/calendar';
import { koreanHolidays } from '../../functions/shared/holidays';
import { businessNumber } from '../support/fixtures';
import { paymentBody, type TerminalIdentity } from '../support/terminal';
import { E2eWorld } from '../support/world';

const CARDS = 8;
let day = '2026-03-02';
const approvals: { approval: string; day: string }[] = [];
const holds: string[] = [];

/**
 * A second provider the random operations never touch: the closing payout run pays exactly its
 * one payment, whatever holds and refund recoveries the random sequences left on P0001.
 */
const closing = {
  providers: [{ providerId: 'P0002', businessNumber: businessNumber('223456789'), name: '마무리돌봄센터', accounts: [{ programCode: 'COMMUNITY', bankCode: '004', accountNumber: '22345678901234', holder: '마무리돌봄센터' }] }],
  workers: [{ workerId: 'W0002', providerId: 'P0002', name: '박지훈', rrn: '860202-1234567', workerPaymentId: '20000002', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }],
  terminals: [{ serial: 'VT11-000002', phone: '01022345678', providerId: 'P0002', model: 'VT-11', secret: 'terminal-secret-000000002', workerIds: [] }],
  recipients: [{ recipientId: 'R0099', name: '최하은', rrn: '160505-4000099', birthDate: '2016-05-05', municipalityCode: '44130' }],
  cards: [{ cardNumber: '9410000000000099', recipientId: 'R0099' }],
  contracts: [{ contractId: 'C0099', recipientId: 'R0099', providerId: 'P0002', serviceCode: '110101', grade: '1', from: '2026-01-01', to: '2026-12-31', designatedWorkerIds: ['W0002'] }],
};

const world = new E2eWorld();
const { call, tokens } = world;
const setNow = (instant: string) => world.setNow(instant);

type Op =
  | { kind: 'pay'; card: number; minute: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'refund'; pick: number; approve: boolean }
  | { kind: 'hold'; pick: number }
  | { kind: 'decide'; pick: number; how: 'PAY' | 'NO_PAY' | 'WITHDRAW' }
  | { kind: 'deposit'; amount: number }
  | { kind: 'run'; schedule: 'payout-batch' | 'adhoc-payout' | 'voucher-generation' };

const pay: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('pay' as const), card: fc.integer({ min: 1, max: CARDS }), minute: fc.integer({ min: 0, max: 59 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: pay },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), approve: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hold' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('decide' as const), pick: fc.nat(), how: fc.constantFrom('PAY' as const, 'NO_PAY' as const, 'WITHDRAW' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 200_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), schedule: fc.constantFrom('payout-batch' as const, 'adhoc-payout' as const) }) },
);

async function perform(o: Op): Promise<void> {
  const pick = <T>(xs: T[], n: number) => (xs.length ? xs[n % xs.length] : undefined);
  switch (o.kind) {
    case 'pay': {
      const res = await world.terminalFetch()('POST', '/v1/terminal/payments', paymentBody(world.terminal, { cardNumber: `9410${String(o.card).padStart(12, '0')}`, amount: 36_000 - o.minute * 100, serviceDate: day, serviceStartAt: `${day}T10:${String(o.minute).padStart(2, '0')}:00+09:00` }, day));
      if (res.status === 201) approvals.push({ approval: res.body.approvalNumber, day });
      return;
    }
    case 'cancel': {
      const a = pick(approvals.filter((x) => x.day === day), o.pick);
      if (a) await world.terminalFetch()('POST', `/v1/terminal/payments/${a.approval}/cancel`, { transactionId: `C-${a.approval}`, businessNumber: world.terminal.businessNumber, terminalPhone: world.terminal.phone });
      return;
    }
    case 'refund': {
      const a = pick(approvals.filter((x) => x.day < day), o.pick);
      if (!a) return;
      const r = await call('POST', '/v1/refunds', { approvalNumber: a.approval, reason: 'OVERCHARGE' }, tokens.provider);
      if (r.status === 201) await call('POST', `/v1/refunds/${r.body.refundId}/${o.approve ? 'approve' : 'reject'}`, o.approve ? {} : { reason: 'no' }, tokens.agency);
      return;
    }
    case 'hold': {
      const a = pick(approvals, o.pick);
      if (!a) return;
      const r = await call('POST', '/v1/holds', { providerId: 'P0001', approvalNumbers: [a.approval], comment: '점검' }, tokens.city);
      if (r.status === 201) holds.push(r.body.items[0].holdId);
      return;
    }
    case 'decide': {
      const h = pick(holds, o.pick);
      if (!h) return;
      if (o.how === 'WITHDRAW') await call('POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [h], comment: '철회' }, tokens.provider);
      else await call('POST', `/v1/holds/${h}/review`, { state: 'REVIEWED', decision: o.how, reason: '판정' }, tokens.agency);
      return;
    }
    case 'deposit':
      await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: o.amount, depositedAt: world.now }, tokens.city);
      return;
    case 'run':
      await call('POST', `/_local/schedules/${o.schedule}/run`);
      return;
  }
}

beforeAll(() => world.start({ cards: CARDS, at: '2026-03-01T09:00:00+09:00', extra: closing }), 60_000);
afterAll(() => world.stop());

describe('PO-08 conservation under random operations', () => {
  it('PO-08 the report balances after every random sequence of payments, cancellations, refunds, holds, decisions, deposits and payout runs', async () => {
    await fc.assert(
      // Every sequence opens with a payment, so the closing checks always have enough approvals behind them.
      fc.asyncProperty(fc.tuple(pay, fc.array(op, { minLength: 3, maxLength: 13 })).map(([first, rest]) => [first, ...rest]), async (ops) => {
        do day = addDays(day, 1);
        while (!isBusinessDay(day, koreanHolidays));
        await setNow(`${day}T10:00:00+09:00`);
        for (const o of ops) await perform(o);
        expect((await call('POST', '/_local/drain')).body.drained).toBe(true);
        const report = await call('GET', '/v1/reports/conservation', undefined, tokens.agency);
        expect(report.body.differences).toEqual([]);
        expect(report.body.balanced).toBe(true);
      }),
      // One seed in CI, so that a run is repeatable; PO08_SEED explores others.
      { numRuns: 12, seed: Number(process.env.PO08_SEED || 20260302) },
    );
    // Close deterministically, so the report is also checked with a payout drawn from the deposit
    // whatever the random sequences left: the second provider takes one payment on a new business
    // day, the deposit is funded, and that day's cycle is run on its run date.
    do day = addDays(day, 1);
    while (!isBusinessDay(day, koreanHolidays));
    await setNow(`${day}T10:00:00+09:00`);
    const t2: TerminalIdentity = { serial: 'VT11-000002', secret: 'terminal-secret-000000002', phone: '01022345678', businessNumber: closing.providers[0]!.businessNumber };
    const paid = await world.terminalFetch(t2)('POST', '/v1/terminal/payments', paymentBody(t2, { cardNumber: '9410000000000099', workerPaymentId: '20000002', amount: 30_000, serviceDate: day, serviceStartAt: `${day}T10:00:00+09:00` }, day));
    expect(paid.status).toBe(201);
    await perform({ kind: 'deposit', amount: 10_000_000 });
    expect((await call('POST', '/_local/drain')).body.drained).toBe(true);
    day = runDateOf(cycleOf(day, koreanHolidays));
    await setNow(`${day}T10:00:00+09:00`);
    await perform({ kind: 'run', schedule: 'payout-batch' });
    expect((await call('POST', '/_local/drain')).body.drained).toBe(true);
    const final = await call('GET', '/v1/reports/conservation', undefined, tokens.agency);
    expect(final.body.differences).toEqual([]);
    expect(final.body.balanced).toBe(true);
    expect(approvals.length).toBeGreaterThan(10);
    expect(final.body.checked.payouts).toBeGreaterThan(0);
    expect(final.body.totals.paidOut).toBeGreaterThanOrEqual(30_000);
    const closingPayouts = await call('GET', '/v1/payouts?providerId=P0002', undefined, tokens.agency);
    expect(closingPayouts.body.items).toMatchObject([{ providerId: 'P0002', amount: 30_000 }]);

    // VCH-04: on 1 May March's vouchers can pay nothing more; their remainders lapse, and the report still balances.
    await setNow('2026-05-01T00:20:00+09:00');
    await perform({ kind: 'run', schedule: 'voucher-generation' });
    expect((await call('POST', '/_local/drain')).body.drained).toBe(true);
    const lapsed = await call('GET', '/v1/reports/conservation', undefined, tokens.agency);
    expect(lapsed.body.differences).toEqual([]);
    expect(lapsed.body.balanced).toBe(true);
    expect(lapsed.body.totals.lapsed).toBeGreaterThan(0);
    expect(lapsed.body.totals.lapsed).toBeLessThanOrEqual(final.body.totals.remaining);
    // VCH-04 report: what lapsed, per municipality × program and month, sums to what PO-08 counts lapsed.
    const months = ['2026-01', '2026-02', '2026-03', '2026-04'];
    const reports = await Promise.all(months.map((m) => call('GET', `/v1/reports/lapsed?month=${m}`, undefined, tokens.agency)));
    expect(reports.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(reports.reduce((n, r) => n + (r.body.totals.amount as number), 0)).toBe(lapsed.body.totals.lapsed);
    expect(reports[2]!.body).toMatchObject({ month: '2026-03', final: true });
    expect(reports[3]!.body).toMatchObject({ month: '2026-04', final: false, items: [] });
    expect(reports[2]!.body.items.every((t: { vouchers: number; amount: number }) => t.vouchers > 0 && t.amount >= 0)).toBe(true);
    const own = await call('GET', '/v1/reports/lapsed?month=2026-03', undefined, tokens.city);
    expect(own.status).toBe(200);
    expect(own.body.items.every((t: { municipalityCode: string }) => t.municipalityCode === '44130')).toBe(true);
    expect((await call('GET', '/v1/reports/lapsed?month=2026-03&municipalityCode=44130', undefined, tokens.elsewhere)).status).toBe(403);
    expect((await call('GET', '/v1/reports/lapsed?month=2026-03', undefined, tokens.provider)).status).toBe(403);
    expect((await call('GET', '/v1/reports/lapsed?month=2026-13', undefined, tokens.agency)).status).toBe(400);
  }, 300_000);
});
