/**
 * The settlement stores' contract (domain.md §6): ledger facts applied once, deposits recorded
 * once, a payout written once and only all together with the buckets it settles (at the version
 * read) and the deposits it draws (never below zero), delays kept current, and a refused
 * transfer returned once (CMS-04). One suite, run against the in-memory fake (test/unit) and the
 * DynamoDB adapters (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { PayoutAccount } from '../../domain/registry/entities';
import { type Bucket, factOfPayment, type LedgerFact, planPayout } from '../../domain/settlement/ledger';
import type { Payout } from '../../domain/settlement/payout';
import { addDays } from '../../domain/shared/calendar';
import type { DepositPort, LedgerPort, Payee, PayoutPort, PayoutRecords } from '../../domain/settlement/ports';

export interface SettlementUnderTest {
  ledger: LedgerPort;
  deposits: DepositPort;
  payouts: PayoutRecords;
  engine: PayoutPort;
  /** The CMS step's follow-through: the payout's transfer was sent. */
  markSent(payoutId: string): Promise<void>;
  /** What vouchers grant a municipality × program in a month (voucher generation's counters). */
  grant(municipalityCode: string, programCode: string, month: string, amount: number): Promise<void>;
  /** Registers a payee; the shard it is paid in. */
  addPayee(payee: Payee): Promise<number>;
}

let n = 0;
const at = '2026-03-11T01:00:00+09:00';
const account: PayoutAccount = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '행복돌봄센터' };

export function settlementStoreContract(name: string, make: () => Promise<SettlementUnderTest>) {
  contractSuite(`settlement store contract: ${name}`, make, (t) => {

    /** A provider and a municipality of their own, so that tests share nothing. */
    const fresh = () => {
      const i = ++n;
      return { providerId: `SP${String(i).padStart(4, '0')}`, municipalityCode: String(31000 + i), programCode: 'COMMUNITY' };
    };
    const fact = (ref: ReturnType<typeof fresh>, day: string, approved: number, factId = `F${++n}`): LedgerFact =>
      ({ factId, ...ref, day, deltas: { approved } }) as LedgerFact;
    const payoutOf = (ref: ReturnType<typeof fresh>, buckets: Bucket[], balance: number): { payout: Payout; plan: ReturnType<typeof planPayout> } => {
      const plan = planPayout(buckets, () => balance);
      const payout: Payout = {
        payoutId: `PO-2026-03-1-${ref.providerId}-${ref.programCode}`, runId: '2026-03-1', providerId: ref.providerId, programCode: ref.programCode, cycle: '2026-03-1', payDate: '2026-03-16', payDateReason: null,
        amount: plan.amount, status: plan.amount > 0 ? 'SCHEDULED' : 'DELAYED', resultCode: null, account,
        draws: plan.draws.map((d) => ({ day: d.bucket.day, municipalityCode: d.bucket.municipalityCode, amount: d.amount })),
        deposits: [...plan.deposits].map(([municipalityCode, amount]) => ({ municipalityCode, amount })), delays: plan.delays, createdAt: at,
      };
      return { payout, plan };
    };
    async function funded(ref: ReturnType<typeof fresh>, amount: number) {
      await t.deposits.deposit({ depositId: `D${++n}`, municipalityCode: ref.municipalityCode, programCode: ref.programCode, amount, depositedAt: '2026-03-01T09:00:00+09:00', recordedBy: 'm-user', at });
    }

    it('§6: a ledger fact is applied once, however often it is delivered', async () => {
      const ref = fresh();
      const f = fact(ref, '2026-03-02', 36_000);
      expect(await t.ledger.apply(f)).toBe('applied');
      expect(await t.ledger.apply(f)).toBe('duplicate');
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-02' })).toMatchObject({ approved: 36_000, settled: 0, version: 1 });
    });

    it('§6: facts applied together count once each; with one seen before, the others still count once', async () => {
      const ref = fresh();
      const [a, b, c] = [fact(ref, '2026-03-02', 10_000), fact(ref, '2026-03-02', 20_000), fact(ref, '2026-03-03', 5_000)];
      expect(await t.ledger.applyAll([a, b, c, a])).toEqual(['applied', 'applied', 'applied', 'duplicate']);
      const d = fact(ref, '2026-03-02', 1_000);
      expect(await t.ledger.applyAll([b, d])).toEqual(['duplicate', 'applied']);
      expect(await t.ledger.applyAll([d])).toEqual(['duplicate']);
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-02' })).toMatchObject({ approved: 31_000 });
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-03' })).toMatchObject({ approved: 5_000 });
    });

    it('§6: concurrent facts on one bucket all count', async () => {
      const ref = fresh();
      await Promise.all([1, 2, 3, 4, 5].map(() => t.ledger.apply(fact(ref, '2026-03-02', 10_000))));
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-02' })).toMatchObject({ approved: 50_000, version: 5 });
    });

    it('§6: buckets by day range; open buckets through a day, oldest first', async () => {
      const ref = fresh();
      for (const day of ['2026-03-05', '2026-03-02', '2026-03-12']) await t.ledger.apply(fact(ref, day, 1_000));
      expect((await t.ledger.buckets(ref.providerId, ref.programCode, '2026-03-01', '2026-03-10')).map((b) => b.day)).toEqual(['2026-03-02', '2026-03-05']);
      expect((await t.ledger.openBuckets(ref.providerId, ref.programCode, '2026-03-10')).map((b) => b.day)).toEqual(['2026-03-02', '2026-03-05']);
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-03' })).toBeNull();
    });

    it('PO-03: a deposit is recorded once and adds to the balance', async () => {
      const ref = fresh();
      const entry = { depositId: `D${++n}`, municipalityCode: ref.municipalityCode, programCode: ref.programCode, amount: 500_000, depositedAt: '2026-03-01T09:00:00+09:00', recordedBy: 'm-user', at };
      expect(await t.deposits.deposit(entry)).toBe('recorded');
      expect(await t.deposits.deposit(entry)).toBe('duplicate');
      expect(await t.deposits.account(ref.municipalityCode, ref.programCode)).toEqual({ balance: 500_000, depositedTotal: 500_000, paidTotal: 0 });
      expect(await t.deposits.account('39999', ref.programCode)).toEqual({ balance: 0, depositedTotal: 0, paidTotal: 0 });
    });

    it('PO-06: forecast facts are the matching accounts with what vouchers grant from three months back', async () => {
      const ref = fresh();
      await funded(ref, 700_000);
      await t.grant(ref.municipalityCode, ref.programCode, '2025-12', 100_000);
      await t.grant(ref.municipalityCode, ref.programCode, '2026-03', 300_000);
      await t.grant(ref.municipalityCode, ref.programCode, '2026-03', 20_000);
      await t.grant(ref.municipalityCode, ref.programCode, '2026-07', 9_000);
      const [facts, ...others] = await t.deposits.forecastFacts({ municipalityCode: ref.municipalityCode }, '2026-03', '2026-05');
      expect(others).toEqual([]);
      expect(facts).toMatchObject({ municipalityCode: ref.municipalityCode, programCode: ref.programCode, balance: 700_000 });
      expect(Object.fromEntries(facts!.granted)).toEqual({ '2025-12': 100_000, '2026-03': 320_000 });
    });

    it('PO-06: forecast facts count what payouts drew per service month since the previous month (a returned transfer comes off) and what delays still owe', async () => {
      const ref = fresh();
      await funded(ref, 100_000);
      await t.ledger.apply(fact(ref, '2026-02-27', 10_000));
      await t.ledger.apply(fact(ref, '2026-03-02', 30_000));
      await t.ledger.apply(fact(ref, '2026-03-03', 80_000));
      const { payout, plan } = payoutOf(ref, await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10'), 100_000);
      expect(await t.engine.commit(payout, plan, [], at)).toBe('committed');
      const [facts] = await t.deposits.forecastFacts({ municipalityCode: ref.municipalityCode }, '2026-03', '2026-05');
      expect(Object.fromEntries(facts!.paid)).toEqual({ '2026-02': 10_000, '2026-03': 90_000 });
      // The 20,000 left waiting is of March: inside March's grant, owed before April.
      expect(facts!.waiting).toBe(0);
      expect((await t.deposits.forecastFacts({ municipalityCode: ref.municipalityCode }, '2026-04', '2026-06'))[0]!.waiting).toBe(20_000);
      await t.markSent(payout.payoutId);
      expect(await t.payouts.returnFailedPayout((await t.payouts.payout(payout.payoutId))!, '0031', at)).toBe(true);
      const [after] = await t.deposits.forecastFacts({ municipalityCode: ref.municipalityCode }, '2026-03', '2026-05');
      expect(Object.fromEntries([...after!.paid].filter(([, v]) => v !== 0))).toEqual({});
    });

    it('PO-02/03: a payout is written once, with its buckets settled and its deposit drawn', async () => {
      const ref = fresh();
      await funded(ref, 100_000);
      await t.ledger.apply(fact(ref, '2026-03-02', 30_000));
      await t.ledger.apply(fact(ref, '2026-03-03', 40_000));
      const buckets = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      const { payout, plan } = payoutOf(ref, buckets, await t.engine.depositBalance(ref.municipalityCode, ref.programCode));
      expect(payout.amount).toBe(70_000);
      expect(await t.engine.commit(payout, plan, [], at)).toBe('committed');
      expect(await t.engine.commit(payout, plan, [], at)).toBe('exists');
      expect(await t.engine.existing(payout.payoutId)).toMatchObject({ amount: 70_000, status: 'SCHEDULED' });
      expect(await t.deposits.account(ref.municipalityCode, ref.programCode)).toEqual({ balance: 30_000, depositedTotal: 100_000, paidTotal: 70_000 });
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-02' })).toMatchObject({ settled: 30_000, version: 2 });
      expect(await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10')).toEqual([]);
      expect((await t.payouts.providerPayouts(ref.providerId, undefined, { limit: 10 })).items.map((p) => p.payoutId)).toEqual([payout.payoutId]);
      expect((await t.payouts.providerPayouts(ref.providerId, '2026-03-17', { limit: 10 })).items).toEqual([]);
      expect((await t.payouts.payDayPayouts('2026-03-16', { limit: 100 })).items.map((p) => p.payoutId)).toContain(payout.payoutId);
    });

    it('PO-02: an approval screening has not finished with stays unpaid and its bucket open; the screened fact (once) lets it be paid', async () => {
      const ref = fresh();
      await funded(ref, 100_000);
      const source = { ...ref, approvalNumber: `260302${String(++n).padStart(8, '0')}`, amount: 30_000, approvalDate: '2026-03-02' };
      await t.ledger.apply(factOfPayment({ ...source, event: 'PAYMENT_APPROVED' })!);
      const waiting = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      expect(waiting).toMatchObject([{ approved: 30_000, unscreened: 30_000 }]);
      expect(planPayout(waiting, () => 100_000)).toMatchObject({ amount: 0, draws: [], delays: [] });
      const screened = factOfPayment({ ...source, event: 'PAYMENT_SCREENED' })!;
      expect(await t.ledger.apply(screened)).toBe('applied');
      expect(await t.ledger.apply(screened)).toBe('duplicate');
      const ready = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      expect(ready).toMatchObject([{ approved: 30_000, unscreened: 0 }]);
      expect(planPayout(ready, () => 100_000).amount).toBe(30_000);
    });

    it('PO-03: a deposit\'s open buckets across its providers, oldest first then by provider; a run\'s allocation is kept once', async () => {
      const a = fresh();
      const b = { ...a, providerId: `${a.providerId}B` };
      await t.ledger.apply(fact(b, '2026-03-02', 10_000));
      await t.ledger.apply(fact(a, '2026-03-03', 20_000));
      await t.ledger.apply(fact(a, '2026-03-02', 30_000));
      await t.ledger.apply(fact(a, '2026-03-12', 5_000));
      const open = await t.engine.depositBuckets(a.municipalityCode, a.programCode, '2026-03-10');
      expect(open.map((x) => [x.day, x.providerId, x.approved])).toEqual([['2026-03-02', a.providerId, 30_000], ['2026-03-02', b.providerId, 10_000], ['2026-03-03', a.providerId, 20_000]]);
      await funded(a, 100_000);
      const { payout, plan } = payoutOf(a, await t.engine.openBuckets(a.providerId, a.programCode, '2026-03-10'), 100_000);
      expect(await t.engine.commit(payout, plan, [], at)).toBe('committed');
      expect((await t.engine.depositBuckets(a.municipalityCode, a.programCode, '2026-03-10')).map((x) => x.providerId)).toEqual([b.providerId]);

      const first = { runId: `R${++n}`, municipalityCode: a.municipalityCode, programCode: a.programCode, balance: 10, demand: 20, short: true, shares: { [a.providerId]: 10 } };
      expect(await t.engine.allocation(first.runId, a.municipalityCode, a.programCode)).toBeNull();
      expect(await t.engine.keepAllocation(first)).toEqual(first);
      expect(await t.engine.keepAllocation({ ...first, shares: { [b.providerId]: 10 } })).toEqual(first);
      expect(await t.engine.allocation(first.runId, a.municipalityCode, a.programCode)).toEqual(first);
    });

    it('PO-03: an account\'s movements are its deposits, the payouts\' draws and a refused transfer\'s return, and they sum to its balance', async () => {
      const ref = fresh();
      await funded(ref, 100_000);
      await t.ledger.apply(fact(ref, '2026-03-02', 30_000));
      const { payout, plan } = payoutOf(ref, await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10'), 100_000);
      expect(await t.engine.commit(payout, plan, [], at)).toBe('committed');
      await t.markSent(payout.payoutId);
      expect(await t.payouts.returnFailedPayout((await t.payouts.payout(payout.payoutId))!, '0031', at)).toBe(true);
      const [ledger, ...others] = await t.deposits.ledgers({ municipalityCode: ref.municipalityCode, programCode: ref.programCode });
      expect(others).toEqual([]);
      expect(ledger).toMatchObject({ municipalityCode: ref.municipalityCode, programCode: ref.programCode, balance: 100_000, depositedTotal: 100_000, paidTotal: 0 });
      expect(ledger!.movements.map((m) => [m.kind, m.amount, m.payoutId ?? m.depositId?.slice(0, 1)])).toEqual([['FUNDED', 100_000, 'D'], ['DRAWN', -30_000, payout.payoutId], ['RETURNED', 30_000, payout.payoutId]]);
      expect(ledger!.movements[1]).toMatchObject({ providerId: ref.providerId, payDate: payout.payDate });
      expect(await t.deposits.ledgers({ municipalityCode: ref.municipalityCode, programCode: 'NONE' })).toEqual([]);
    });

    it('PO-02: a recovery of another municipality is credited back to its own deposit, also one never funded, which is then listed', async () => {
      const ref = fresh();
      const other = { ...ref, municipalityCode: String(Number(ref.municipalityCode) + 500) };
      await funded(ref, 100_000);
      await t.ledger.apply(fact(ref, '2026-03-02', 72_000));
      await t.ledger.apply({ factId: `F${++n}`, ...other, day: '2026-03-03', deltas: { recovered: 36_000 } } as LedgerFact);
      const buckets = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      const plan = planPayout(buckets, (m) => (m === ref.municipalityCode ? 100_000 : 0));
      const { payout } = payoutOf(ref, buckets, 0);
      const netted = { ...payout, amount: plan.amount, draws: plan.draws.map((d) => ({ day: d.bucket.day, municipalityCode: d.bucket.municipalityCode, amount: d.amount })), deposits: [...plan.deposits].map(([municipalityCode, amount]) => ({ municipalityCode, amount })), delays: plan.delays };
      expect(await t.engine.commit(netted, plan, [], at)).toBe('committed');
      expect(await t.deposits.account(ref.municipalityCode, ref.programCode)).toEqual({ balance: 28_000, depositedTotal: 100_000, paidTotal: 72_000 });
      expect(await t.deposits.account(other.municipalityCode, other.programCode)).toEqual({ balance: 36_000, depositedTotal: 0, paidTotal: -36_000 });
      expect((await t.deposits.forecastFacts({ municipalityCode: other.municipalityCode }, '2026-03', '2026-05')).map((f) => f.balance)).toEqual([36_000]);
      expect(await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10')).toEqual([]);
    });

    it('PO-02: a bucket that moved since it was read, or a deposit that no longer covers the draw, makes the whole commit change nothing', async () => {
      const ref = fresh();
      await funded(ref, 100_000);
      await t.ledger.apply(fact(ref, '2026-03-02', 30_000));
      const read = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      await t.ledger.apply(fact(ref, '2026-03-02', 5_000));
      const stale = payoutOf(ref, read, 100_000);
      expect(await t.engine.commit(stale.payout, stale.plan, [], at)).toBe('conflict');
      expect(await t.engine.existing(stale.payout.payoutId)).toBeNull();
      expect(await t.deposits.account(ref.municipalityCode, ref.programCode)).toMatchObject({ balance: 100_000, paidTotal: 0 });

      const current = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      const tooMuch = payoutOf(ref, current, 1_000_000);
      tooMuch.plan.deposits.set(ref.municipalityCode, 135_000);
      expect(await t.engine.commit(tooMuch.payout, tooMuch.plan, [], at)).toBe('conflict');
      expect(await t.ledger.bucket({ ...ref, day: '2026-03-02' })).toMatchObject({ approved: 35_000, settled: 0 });
      expect(await t.engine.existing(tooMuch.payout.payoutId)).toBeNull();
    });

    it('PO-03: a shortfall is a current delay of the provider, removed when paid', async () => {
      const ref = fresh();
      await funded(ref, 10_000);
      await t.ledger.apply(fact(ref, '2026-03-02', 30_000));
      const short = payoutOf(ref, await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10'), 10_000);
      expect(await t.engine.commit(short.payout, short.plan, [], at)).toBe('committed');
      expect(await t.payouts.delays(ref.providerId)).toEqual([expect.objectContaining({ ...ref, amount: 20_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-02', payoutId: short.payout.payoutId })]);
      expect(await t.payouts.delays(undefined)).toContainEqual(expect.objectContaining({ providerId: ref.providerId }));
      await funded(ref, 50_000);
      const rest = payoutOf(ref, await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10'), 50_000);
      rest.payout.payoutId = `PO-adhoc-2026-03-17-${ref.providerId}-${ref.programCode}`;
      expect(rest.payout.amount).toBe(20_000);
      expect(await t.engine.commit(rest.payout, rest.plan, [], at)).toBe('committed');
      expect(await t.payouts.delays(ref.providerId)).toEqual([]);
    });

    it('§6: settled buckets left open are closed without a payout', async () => {
      const ref = fresh();
      await t.ledger.apply(fact(ref, '2026-03-02', 0));
      const [bucket] = await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10');
      expect(await t.engine.commit(null, { amount: 0, draws: [], deposits: new Map(), delays: [] }, [bucket!], at)).toBe('committed');
      expect(await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10')).toEqual([]);
    });

    it('PO-02: a payout too large for one transaction is refused whole (the run pays the oldest days first, within the limit)', async () => {
      const ref = fresh();
      await funded(ref, 10_000_000);
      const days = Array.from({ length: 100 }, (_, i) => addDays('2025-01-01', i));
      await Promise.all(days.map((day) => t.ledger.apply(fact(ref, day, 1_000))));
      const buckets = await t.engine.openBuckets(ref.providerId, ref.programCode, '2025-12-31');
      expect(buckets).toHaveLength(100);
      const { payout, plan } = payoutOf(ref, buckets, 10_000_000);
      await expect(t.engine.commit(payout, plan, [], at)).rejects.toThrow(/exceed one transaction/);
      expect(await t.engine.existing(payout.payoutId)).toBeNull();
      expect(await t.deposits.account(ref.municipalityCode, ref.programCode)).toMatchObject({ balance: 10_000_000, paidTotal: 0 });
    });

    it('CMS-04: a refused transfer comes back once, only once sent: deposit and bucket restored, the account remembered', async () => {
      const ref = fresh();
      await funded(ref, 100_000);
      await t.ledger.apply(fact(ref, '2026-03-02', 30_000));
      const { payout, plan } = payoutOf(ref, await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10'), 100_000);
      await t.engine.commit(payout, plan, [], at);
      await t.payouts.markInstructionQueued(payout.payoutId, at);
      expect(await t.payouts.payout(payout.payoutId)).toMatchObject({ instructionQueuedAt: at });
      expect(await t.payouts.returnFailedPayout(payout, '0011', at)).toBe(false);
      await t.markSent(payout.payoutId);
      expect(await t.payouts.returnFailedPayout(payout, '0011', at)).toBe(true);
      expect(await t.payouts.returnFailedPayout(payout, '0011', at)).toBe(false);
      expect(await t.payouts.payout(payout.payoutId)).toMatchObject({ status: 'FAILED', resultCode: '0011' });
      expect(await t.deposits.account(ref.municipalityCode, ref.programCode)).toEqual({ balance: 100_000, depositedTotal: 100_000, paidTotal: 0 });
      expect(await t.engine.openBuckets(ref.providerId, ref.programCode, '2026-03-10')).toEqual([expect.objectContaining({ approved: 30_000, settled: 0 })]);
      expect(await t.payouts.rejectedAccount(ref.providerId, ref.programCode)).toEqual({ bankCode: '004', accountNumber: '12345678901234' });
      expect(await t.payouts.rejectedAccount(ref.providerId, 'OTHER')).toBeNull();
    });

    it('PO-02: a payout shard lists its payees with their accounts', async () => {
      const ref = fresh();
      const shard = await t.addPayee({ providerId: ref.providerId, businessNumber: '1234567890', accounts: [account] });
      expect(await t.payouts.payees(shard)).toContainEqual({ providerId: ref.providerId, businessNumber: '1234567890', accounts: [account] });
    });
  });
}
