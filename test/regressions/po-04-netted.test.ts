/**
 * Regression (money always right, point 6): a payout that nets to exactly zero was recorded as
 * `DELAYED` with no delay; PO-04 records it `NETTED`, with no transfer.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, type Bucket } from '../../domain/settlement/ledger';
import { payProvider } from '../../domain/settlement/payouts';
import { stubPayoutPort } from '../support/payout-port';

const run = { runId: '2026-03-1', runDate: '2026-03-12', cycle: '2026-03-1', payDate: '2026-03-13', throughDay: '2026-03-10' };
const account = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '기관' };
const bucket = (over: Partial<Bucket>): Bucket => ({ ...EMPTY_TOTALS, providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-02', version: 1, ...over });

describe('PO-04 zero net', () => {
  it('PO-04 36,000 paid and 36,000 recovered: the payout is NETTED, with no delay and nothing to transfer', async () => {
    const port = stubPayoutPort({ openBuckets: async () => [bucket({ approved: 36_000 }), bucket({ day: '2026-03-04', recovered: 36_000 })], depositBalance: async () => 0 });
    const { commits } = port;
    const outcome = await payProvider(port, run, 'P0001', 'COMMUNITY', account, new Date('2026-03-12T06:30:00+09:00'));
    expect(outcome).toMatchObject({ kind: 'netted', payout: { amount: 0, status: 'NETTED', delays: [], draws: [{ day: '2026-03-02', amount: 36_000 }, { day: '2026-03-04', amount: -36_000 }] } });
    expect(commits).toHaveLength(1);
  });
});
