/**
 * Regression (money always right, point 16), end to end on the local stack: with the screening
 * consumer stopped during the cycle's run, the run paid approvals screening had not seen, and a
 * payment SCR-02 would hold was paid before its hold could be raised (then refused as not
 * holdable). PO-02: the run pays only what screening has finished with; the rest waits for a
 * later run, which pays what screening let through and not what it held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;
const payouts = async () => (await call('GET', '/v1/payouts?providerId=P0001', undefined, tokens.agency)).body.items as { payoutId: string; amount: number; draws: { day: string; amount: number }[] }[];

beforeAll(() => world.start({ cards: 2, at: '2026-03-01T09:00:00+09:00' }), 60_000);
afterAll(() => world.stop());

describe('PO-02 payouts wait for screening (local stack)', () => {
  it('PO-02 a run made while screening is stopped pays nothing screening has not finished with; after screening, the next run pays the normal payment and not the held one', async () => {
    await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 1_000_000, depositedAt: '2026-03-01T10:00:00+09:00' }, tokens.city);
    await world.stack.pauseConsumer('screening');
    await world.setNow('2026-03-09T10:05:00+09:00');
    const day = await world.pay(1, '10:00');
    await world.setNow('2026-03-09T23:30:00+09:00');
    const night = await world.pay(2, '23:00'); // SCR-02 would hold it
    await world.drain();

    // The cycle's run (from 01:00 on the 11th) finds both approvals unscreened: nothing is paid.
    await world.setNow('2026-03-11T01:05:00+09:00');
    expect((await call('POST', '/_local/schedules/payout-batch/run')).status).toBe(200);
    await world.drain();
    expect(await payouts()).toEqual([]);
    expect((await call('GET', '/v1/holds?from=2026-03-01&to=2026-03-31', undefined, tokens.provider)).body.items).toEqual([]);

    // Screening resumes: the night payment is held (its day still unpaid), the other is screened clean.
    world.stack.resumeConsumer('screening');
    await world.drain();
    expect((await call('GET', `/v1/holds/H${night}-SCR02`, undefined, tokens.agency)).body).toMatchObject({ ruleId: 'SCR-02', state: 'UNPROCESSED' });

    // The next scheduled run (01:00 on the 12th, which makes the cycle's run again) pays the screened
    // payment as the cycle's own, still for the 13th; the held one waits for its decision.
    await world.setNow('2026-03-12T07:05:00+09:00');
    expect((await call('POST', '/_local/schedules/adhoc-payout/run')).status).toBe(200);
    await world.drain();
    const [paid, ...more] = await payouts();
    expect(more).toEqual([]);
    expect(paid).toMatchObject({ payoutId: 'PO-2026-03-1-P0001-COMMUNITY', payDate: '2026-03-13', amount: 36_000, draws: [{ day: '2026-03-09', amount: 36_000 }] });
    expect(day).not.toBe(night);
    const report = await call('GET', '/v1/reports/conservation', undefined, tokens.agency);
    expect(report.body.differences).toEqual([]);
  }, 90_000);
});
