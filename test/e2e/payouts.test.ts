/**
 * Payouts end to end through the HTTP API of the local stack (domain.md §6): payments, a refund
 * and a hold feed the day buckets; the regular cycle run pays from the municipality's deposit,
 * oldest days first, and delays the rest; a repeated run pays nothing twice; a top-up and a
 * released hold are paid by the ad-hoc run on the next business day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;
const setNow = (instant: string) => world.setNow(instant);
const drain = () => world.drain();
async function payAt(instant: string, i: number, start: string) {
  await setNow(instant);
  return world.pay(i, start);
}
/** Transfer instructions that reached the CMS file of the cycle's pay date (CMS-01). */
const instructions = async () => ((await call('GET', '/v1/cms/files/CMS-2026-03-13', undefined, tokens.agency)).body.itemCount as number | undefined) ?? 0;
const payouts = async (token = tokens.provider) => (await call('GET', '/v1/payouts', undefined, token)).body.items as any[];

beforeAll(() => world.start({ cards: 6, at: '2026-03-01T09:00:00+09:00' }), 60_000);
afterAll(() => world.stop());

describe('PO-03 deposits', () => {
  it('a municipality deposits into its own account once; a retry changes nothing; bad input changes nothing', async () => {
    const body = { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 100_000, depositedAt: '2026-03-01T10:00:00+09:00' };
    expect((await call('POST', '/v1/deposits', body, tokens.elsewhere)).status).toBe(403);
    expect((await call('POST', '/v1/deposits', body, tokens.provider)).status).toBe(403);
    expect((await call('POST', '/v1/deposits', { ...body, amount: -5 }, tokens.city)).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const first = await call('POST', '/v1/deposits', body, tokens.city);
    expect(first).toMatchObject({ status: 201, body: { balance: 100_000, depositedTotal: 100_000 } });
    const again = await call('POST', '/v1/deposits', body, tokens.city);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, depositId: first.body.depositId, balance: 100_000 } });
  });
});

describe('PO-01..05 payout runs', () => {
  let night: string;

  it('PO-02/03 the cycle run pays approved minus held and recovered, oldest days first, and delays what the deposit cannot cover', async () => {
    await payAt('2026-03-02T10:00:00+09:00', 1, '10:00');
    await payAt('2026-03-03T10:00:00+09:00', 2, '10:00');
    const refunded = await payAt('2026-03-05T10:00:00+09:00', 3, '10:00');
    await payAt('2026-03-09T10:00:00+09:00', 4, '10:00');
    night = await payAt('2026-03-09T23:30:00+09:00', 5, '23:00'); // SCR-02: held
    await payAt('2026-03-10T10:00:00+09:00', 6, '10:00');
    // PAY-11: the refund is approved on the 10th and recovered in this cycle.
    const refund = await call('POST', '/v1/refunds', { approvalNumber: refunded, reason: 'NOT_DELIVERED' }, tokens.provider);
    expect((await call('POST', `/v1/refunds/${refund.body.refundId}/approve`, {}, tokens.agency)).status).toBe(200);
    await drain();

    // PO-01: cycle 2026-03-1 is run from 01:00 on the 11th, the day after it closes; the 15th is a
    // Sunday, so it pays on Friday the 13th.
    await setNow('2026-03-11T01:05:00+09:00');
    const run = await call('POST', '/_local/schedules/payout-batch/run');
    expect(run.body.result.runs).toContain('2026-03-1'); // with any earlier run still in its catch-up window
    const [payout] = await payouts();
    // 6 × 36,000 approved − 36,000 held − 36,000 recovered = 144,000 payable; the deposit has 100,000.
    expect(payout).toMatchObject({ payoutId: 'PO-2026-03-1-P0001-COMMUNITY', cycle: '2026-03-1', payDate: '2026-03-13', amount: 100_000, status: 'SCHEDULED', account: { bankCode: '004' } });
    // Oldest first: the 2nd and 3rd in full, 28,000 of the 5th; the rest of the 5th and the 9th wait.
    expect(payout.draws.map((d: { day: string; amount: number }) => [d.day, d.amount])).toEqual([['2026-03-02', 36_000], ['2026-03-03', 36_000], ['2026-03-05', 28_000]]);
    expect(payout.delays).toEqual([{ municipalityCode: '44130', amount: 44_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-05' }]);
    expect((await call('GET', '/v1/delays', undefined, tokens.provider)).body.items).toEqual([expect.objectContaining({ providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', amount: 44_000, reason: 'DEPOSIT_SHORTFALL' })]);
    expect(await instructions()).toBe(1);
    await drain();
    expect((await call('GET', '/v1/reports/conservation', undefined, tokens.agency)).body.totals).toMatchObject({ deposited: 100_000, paidOut: 100_000, depositBalance: 0 });
  }, 60_000);

  it('a repeated or late run pays nothing twice', async () => {
    await setNow('2026-03-11T06:50:00+09:00');
    expect((await call('POST', '/_local/schedules/payout-batch/run')).status).toBe(200);
    expect(await payouts()).toHaveLength(1);
    expect(await instructions()).toBe(1);
  }, 30_000);

  it('PO-05 a top-up pays the delayed amount in the next ad-hoc run, for the next business day', async () => {
    await setNow('2026-03-11T10:00:00+09:00');
    await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 50_000, depositedAt: '2026-03-11T10:00:00+09:00' }, tokens.city);
    await setNow('2026-03-12T07:05:00+09:00');
    const run = await call('POST', '/_local/schedules/adhoc-payout/run');
    expect(run.body.result.runs).toEqual(['adhoc-2026-03-12']);
    const adhoc = (await payouts()).find((p) => p.cycle === 'adhoc');
    // The cycle was run two days before its pay day, so the top-up still pays with it on the 13th.
    expect(adhoc).toMatchObject({ payoutId: 'PO-adhoc-2026-03-12-P0001-COMMUNITY', payDate: '2026-03-13', amount: 44_000, status: 'SCHEDULED', delays: [] });
    expect((await call('GET', '/v1/delays', undefined, tokens.provider)).body.items).toEqual([]);
    // CMS-05: the 13th's file goes out from 09:00 on the 12th, the business day before.
    await setNow('2026-03-12T09:05:00+09:00');
    await drain();
    expect((await call('GET', '/v1/cms/files/CMS-2026-03-13', undefined, tokens.agency)).body).toMatchObject({ state: 'TRANSMITTED', recordCount: 2 });
  }, 30_000);

  it('HOLD-02 a hold decided PAY is paid by the next ad-hoc run; NO_PAY would never be', async () => {
    const holdId = `H${night}-SCR02`;
    // A held payment was never paid: it is not refunded (that would recover money the provider never got).
    expect((await call('POST', '/v1/refunds', { approvalNumber: night, reason: 'OVERCHARGE' }, tokens.provider)).body.error).toMatchObject({ code: 'PAYMENT_ON_HOLD', details: { rule: 'PAY-11' } });
    // The 13th's ad-hoc run (07:00) is done before the decision: the next one after it pays it.
    await setNow('2026-03-13T07:05:00+09:00');
    await drain();
    await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 100_000, depositedAt: '2026-03-13T10:00:00+09:00' }, tokens.city);
    expect((await call('POST', `/v1/holds/${holdId}/review`, { state: 'REVIEWED', decision: 'PAY', reason: '야간 돌봄 확인' }, tokens.agency)).status).toBe(200);
    await setNow('2026-03-16T07:05:00+09:00');
    await call('POST', '/_local/schedules/adhoc-payout/run');
    const adhoc = (await payouts()).find((p) => p.payoutId === 'PO-adhoc-2026-03-16-P0001-COMMUNITY');
    expect(adhoc).toMatchObject({ amount: 36_000, payDate: '2026-03-17', draws: [{ day: '2026-03-09', municipalityCode: '44130', amount: 36_000 }] });
  }, 30_000);

  it('payouts are visible to their provider and the agency only', async () => {
    expect(await payouts(tokens.other)).toEqual([]);
    expect((await call('GET', '/v1/payouts/PO-2026-03-1-P0001-COMMUNITY', undefined, tokens.other)).status).toBe(404);
    expect((await call('GET', '/v1/payouts/PO-2026-03-1-P0001-COMMUNITY', undefined, tokens.agency)).body).toMatchObject({ amount: 100_000 });
    // The cycle's payout and the top-up's ad-hoc payout both pay on the 13th.
    expect((await call('GET', '/v1/payouts?payDate=2026-03-13', undefined, tokens.agency)).body.items.map((p: { payoutId: string }) => p.payoutId).sort()).toEqual(['PO-2026-03-1-P0001-COMMUNITY', 'PO-adhoc-2026-03-12-P0001-COMMUNITY']);
    expect((await call('GET', '/v1/payouts', undefined, tokens.agency)).status).toBe(400);
  }, 30_000);

  it('PO-07 the statement lists the draws and every payment behind them, as CSV, cards masked', async () => {
    const res = await fetch(`${world.stack.url}/v1/payouts/PO-2026-03-1-P0001-COMMUNITY/statement.csv`, { headers: { authorization: `Bearer ${tokens.provider}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    // Sent on the 12th, paid by the bank on the 13th (its result arrived on the 16th).
    expect(lines[1]).toMatch(/^PAYOUT,PO-2026-03-1-P0001-COMMUNITY,2026-03-1,2026-03-13,100000,PAID,004 \*+1234,/);
    expect(lines.filter((l) => l.startsWith('DRAW,'))).toEqual(['DRAW,2026-03-02,44130,36000', 'DRAW,2026-03-03,44130,36000', 'DRAW,2026-03-05,44130,28000']);
    expect(lines.filter((l) => l.startsWith('DELAY DEPOSIT_SHORTFALL,'))).toEqual(['DELAY DEPOSIT_SHORTFALL,2026-03-05,44130,44000']);
    const payments = lines.filter((l) => l.startsWith('PAYMENT,'));
    expect(payments).toHaveLength(3);
    expect(payments.some((l) => l.includes(',REFUNDED,'))).toBe(true);
    expect(text).not.toMatch(/9410\d{12}/);
    const other = await fetch(`${world.stack.url}/v1/payouts/PO-2026-03-1-P0001-COMMUNITY/statement.csv`, { headers: { authorization: `Bearer ${tokens.other}` } });
    expect(other.status).toBe(404);
  }, 30_000);

  it('PO-07 an ad-hoc payout\'s statement lists what it settled: the released hold, not the rest of its day; a delay paid, not its payments again', async () => {
    const statement = async (id: string) => {
      const res = await fetch(`${world.stack.url}/v1/payouts/${id}/statement.csv`, { headers: { authorization: `Bearer ${tokens.provider}` } });
      expect(res.status).toBe(200);
      return (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n').filter((l) => l.startsWith('PAYMENT,'));
    };
    const released = await statement('PO-adhoc-2026-03-16-P0001-COMMUNITY');
    expect(released.map((l) => [l.split(',')[1], l.split(',').at(-1)])).toEqual([[night, 'RELEASED']]);
    // The top-up's payout paid the rest of the 5th, whose payment the cycle's payout lists already.
    const topUp = await statement('PO-adhoc-2026-03-12-P0001-COMMUNITY');
    expect(topUp.filter((l) => l.split(',')[2] === '2026-03-05')).toEqual([]);
  }, 30_000);
});

describe('EXC-01/02 exception claims', () => {
  it('EXC-01 previews the per-session amount, EXC-02 takes claims in the month after the reason, and an approved claim is paid by the next ad-hoc run', async () => {
    const claim = { serviceCode: '110101', reason: 'CARD_LOST', reasonOccurredOn: '2026-02-20', recipientId: 'R0001', workerId: 'W0001', serviceDate: '2026-02-20', serviceStartAt: '2026-02-20T10:00:00+09:00', serviceEndAt: '2026-02-20T11:00:00+09:00' };
    const preview = await call('POST', '/v1/claims', { ...claim, preview: true }, tokens.provider);
    expect(preview).toMatchObject({ status: 200, body: { preview: true, amount: 36_000 } });
    expect((await call('GET', '/v1/claims', undefined, tokens.provider)).body.items).toEqual([]);
    expect((await call('POST', '/v1/claims', { ...claim, reasonOccurredOn: '2026-01-20' }, tokens.provider)).body.error).toMatchObject({ code: 'OUTSIDE_CLAIM_WINDOW', details: { rule: 'EXC-02' } });
    expect((await call('POST', '/v1/claims', { ...claim, workerId: 'W9999' }, tokens.provider)).body.error).toMatchObject({ code: 'WORKER_NOT_ELIGIBLE' });
    const filed = await call('POST', '/v1/claims', claim, tokens.provider);
    expect(filed).toMatchObject({ status: 201, body: { state: 'RECEIVED', amount: 36_000, municipalityCode: '44130', programCode: 'COMMUNITY' } });
    const id = filed.body.claimId as string;
    // EXC-03: filing it again answers the same claim; another claim for the session is refused.
    expect(await call('POST', '/v1/claims', claim, tokens.provider)).toMatchObject({ status: 200, body: { claimId: id } });
    expect((await call('POST', '/v1/claims', { ...claim, serviceEndAt: '2026-02-20T11:30:00+09:00' }, tokens.provider)).body.error).toMatchObject({ code: 'DUPLICATE_CLAIM', details: { rule: 'EXC-03' } });
    // A received claim is withdrawn by its provider; its session may be claimed again.
    const other = { ...claim, serviceDate: '2026-02-21', serviceStartAt: '2026-02-21T10:00:00+09:00', serviceEndAt: '2026-02-21T11:00:00+09:00' };
    const second = await call('POST', '/v1/claims', other, tokens.provider);
    expect((await call('POST', `/v1/claims/${second.body.claimId}/withdraw`, {}, tokens.other)).status).toBe(404);
    expect(await call('POST', `/v1/claims/${second.body.claimId}/withdraw`, {}, tokens.provider)).toMatchObject({ status: 200, body: { state: 'WITHDRAWN' } });
    expect((await call('POST', `/v1/claims/${second.body.claimId}/withdraw`, {}, tokens.provider)).status).toBe(409);
    expect((await call('POST', `/v1/claims/${id}/approve`, {}, tokens.provider)).status).toBe(403);
    const approved = await call('POST', `/v1/claims/${id}/approve`, {}, tokens.agency);
    expect(approved).toMatchObject({ status: 200, body: { state: 'APPROVED', payableOn: '2026-03-10' } });
    expect((await call('POST', `/v1/claims/${id}/reject`, { reason: 'x' }, tokens.agency)).status).toBe(409);
    // EXC-03: the approved claim is in the usage history, found by its channel; the withdrawn one is not.
    const history = await call('GET', '/v1/payments?from=2026-03-01&to=2026-03-31&channel=EXCEPTION_CLAIM', undefined, tokens.provider);
    expect(history.body.items).toMatchObject([{ claimId: id, channel: 'EXCEPTION_CLAIM', status: 'APPROVED', amount: 36_000, serviceDate: '2026-02-20', recipientId: 'R0001' }]);

    await setNow('2026-03-17T07:05:00+09:00');
    await call('POST', '/_local/schedules/adhoc-payout/run');
    expect((await payouts()).find((p) => p.payoutId === 'PO-adhoc-2026-03-17-P0001-COMMUNITY')).toMatchObject({ amount: 36_000, payDate: '2026-03-18' });
  }, 30_000);
});

describe('PO-08 conservation report', () => {
  it('PO-08 balances after payments, a refund, a hold, deposits and payout runs; only the agency and ops may read it', async () => {
    expect((await call('GET', '/v1/reports/conservation', undefined, tokens.provider)).status).toBe(403);
    const report = await call('GET', '/v1/reports/conservation', undefined, tokens.agency);
    expect(report.status).toBe(200);
    expect(report.body.differences).toEqual([]);
    expect(report.body).toMatchObject({ balanced: true, totals: { deposited: 250_000, paidOut: 216_000, depositBalance: 34_000 } });
    expect(report.body.checked.payouts).toBe(4);
  }, 30_000);
});

describe('PO-06 forecast', () => {
  it('PO-06 says per month whether the deposit pays what the vouchers grant; a municipality sees its own accounts only', async () => {
    const res = await call('GET', '/v1/forecasts?programCode=COMMUNITY', undefined, tokens.city);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        // PO-06: of March's 864,000 granted, the deposit has paid 216,000 already (out of its balance): 648,000 are still to come.
        municipalityCode: '44130', programCode: 'COMMUNITY', balance: 34_000, paid: { '2026-03': 216_000 }, waiting: 0,
        months: [
          { month: '2026-03', expected: 648_000, estimated: false, covered: 34_000, status: 'PARTIAL' },
          { month: '2026-04', expected: 864_000, estimated: true, covered: 0, status: 'IMPOSSIBLE' },
          { month: '2026-05', expected: 864_000, estimated: true, covered: 0, status: 'IMPOSSIBLE' },
        ],
      },
    ]);
    expect((await call('GET', '/v1/forecasts?municipalityCode=44130', undefined, tokens.elsewhere)).status).toBe(403);
    expect((await call('GET', '/v1/forecasts', undefined, tokens.elsewhere)).body.items).toEqual([]);
  }, 30_000);
});

describe('PO-07 monthly settlement and PO-03 deposit entries', () => {
  it('PO-07 per recipient, worker and day, the month sums to what its payouts drew; CSV with the manual\'s field names; a provider reads its own only', async () => {
    const views = await Promise.all(['recipient', 'worker', 'day'].map((by) => call('GET', `/v1/settlements?month=2026-03&by=${by}&programCode=COMMUNITY`, undefined, tokens.provider)));
    expect(views.map((v) => v.status)).toEqual([200, 200, 200]);
    const payoutsMade = (await payouts()).filter((p) => p.status !== 'FAILED');
    const drawn = payoutsMade.flatMap((p) => p.draws as { day: string; amount: number }[]).filter((d) => d.day.startsWith('2026-03-')).reduce((n, d) => n + d.amount, 0);
    for (const v of views) {
      expect(v.body.totals.drawn).toBe(drawn);
      expect(v.body.totals.paid).toBe(drawn);
      expect(v.body.items.reduce((n: number, r: { paid: number }) => n + r.paid, 0)).toBe(drawn);
      expect(v.body.totals.delayed).toBe(0);
    }
    const [byRecipient, , byDay] = views;
    // The refund of the 10th is recovered; the day of the 5th was paid in two payouts, and its row names both.
    expect(byRecipient!.body.totals.refunded).toBe(36_000);
    const fifth = byDay!.body.items.find((r: { key: string }) => r.key === '2026-03-05');
    expect(fifth.payoutIds).toContain('PO-2026-03-1-P0001-COMMUNITY');
    expect(byDay!.body.payouts.map((p: { payoutId: string }) => p.payoutId)).toEqual(expect.arrayContaining(['PO-2026-03-1-P0001-COMMUNITY', 'PO-adhoc-2026-03-16-P0001-COMMUNITY']));

    const res = await fetch(`${world.stack.url}/v1/settlements?month=2026-03&by=worker&format=csv`, { headers: { authorization: `Bearer ${tokens.provider}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['사업(programCode)', '제공인력ID(workerId)', '결제건수(payments)']);
    expect(lines.at(-1)!.split(',')[10]).toBe(String(drawn));

    expect((await call('GET', '/v1/settlements?month=2026-03&by=day', undefined, tokens.other)).body.items).toEqual([]);
    expect((await call('GET', '/v1/settlements?month=2026-03&by=day&providerId=P0001', undefined, tokens.other)).status).toBe(403);
    expect((await call('GET', '/v1/settlements?month=2026-03&by=day', undefined, tokens.agency)).status).toBe(400);
    expect((await call('GET', '/v1/settlements?month=2026-03&by=day&providerId=P0001', undefined, tokens.agency)).body.totals.paid).toBe(drawn);
    expect((await call('GET', '/v1/settlements?month=2026-03&by=day', undefined, tokens.city)).status).toBe(403);
    expect((await call('GET', '/v1/settlements?month=2026-03&by=everything', undefined, tokens.provider)).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
  }, 30_000);

  it('PO-03 a municipality reads its deposit account: each deposit, draw and return, with the balance after each', async () => {
    const res = await call('GET', '/v1/deposits?programCode=COMMUNITY', undefined, tokens.city);
    expect(res.status).toBe(200);
    const [account, ...rest] = res.body.items;
    expect(rest).toEqual([]);
    expect(account).toMatchObject({ municipalityCode: '44130', programCode: 'COMMUNITY', balance: 34_000, depositedTotal: 250_000, paidTotal: 216_000, balanced: true });
    expect(account.entries.filter((e: { kind: string }) => e.kind === 'FUNDED').reduce((n: number, e: { amount: number }) => n + e.amount, 0)).toBe(250_000);
    expect(account.entries.filter((e: { kind: string }) => e.kind === 'DRAWN').reduce((n: number, e: { amount: number }) => n + e.amount, 0)).toBe(-216_000);
    expect(account.entries.at(-1).balanceAfter).toBe(34_000);
    expect((await call('GET', '/v1/deposits', undefined, tokens.elsewhere)).body.items).toEqual([]);
    expect((await call('GET', '/v1/deposits?municipalityCode=44130', undefined, tokens.elsewhere)).status).toBe(403);
    expect((await call('GET', '/v1/deposits', undefined, tokens.provider)).status).toBe(403);
    expect((await call('GET', '/v1/deposits?municipalityCode=44130', undefined, tokens.agency)).body.items).toHaveLength(1);
  }, 30_000);

  it('PO-06 a provider reads the forecast of its recipients\' municipalities, without their balances', async () => {
    const res = await call('GET', '/v1/forecasts?programCode=COMMUNITY', undefined, tokens.provider);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ municipalityCode: '44130', programCode: 'COMMUNITY', months: [{ month: '2026-03', status: 'PARTIAL' }, { month: '2026-04', status: 'IMPOSSIBLE' }, { month: '2026-05', status: 'IMPOSSIBLE' }] }]);
    expect((await call('GET', '/v1/forecasts?municipalityCode=11110', undefined, tokens.provider)).body.items).toEqual([]);
  }, 30_000);
});
