/**
 * Regression (money always right, point 16): nothing stopped a run from paying a payment whose
 * screening message was still in the queue; once paid, a hold on it was refused, so a payment
 * SCR-01…04 would hold was paid. PO-02: a run pays only payments screening has finished with;
 * the rest wait for a later run. Here the screening consumer is stopped during the cycle's run:
 * the ledger has the approvals, screening has not seen them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCREENING_RULES, type ScreenedPayment } from '../../domain/screening/rules';
import { screenApproval, screenWithdrawal } from '../../domain/screening/flow';
import { factOfPayment } from '../../domain/settlement/ledger';
import { payProvider } from '../../domain/settlement/payouts';
import type { PayoutRun } from '../../domain/settlement/payout';
import { kstDate } from '../../domain/shared/calendar';
import { inMemoryScreening } from '../fakes/screening-store';
import { InMemorySettlement } from '../fakes/settlement-store';

const account = { programCode: 'COMMUNITY', bankCode: '004', accountNumber: '12345678901234', holder: '행복돌봄센터' };
const regular: PayoutRun = { runId: '2026-03-1', runDate: '2026-03-11', cycle: '2026-03-1', payDate: '2026-03-13', throughDay: '2026-03-10' };
const adhoc: PayoutRun = { runId: 'adhoc-2026-03-12', runDate: '2026-03-12', cycle: 'adhoc', payDate: '2026-03-13', throughDay: '2026-03-10' };
const settings = { rules: DEFAULT_SCREENING_RULES, programKind: () => 'SESSION' as const };

const payment = (n: number, over: Partial<ScreenedPayment> = {}): ScreenedPayment => ({
  approvalNumber: `2603090000000${n}`, providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: `R000${n}`, workerId: `W000${n}`, municipalityCode: '44130',
  channel: 'TERMINAL', kind: 'NORMAL', amount: 36_000, serviceDate: '2026-03-09', serviceStartAt: `2026-03-09T1${n}:00:00+09:00`, approvedAt: `2026-03-09T1${n}:05:00+09:00`, status: 'APPROVED', ...over,
});

/** The settlement consumer's work: each payment event as a fact on its day bucket. */
async function settle(ledger: InMemorySettlement, p: ScreenedPayment, event: 'PAYMENT_APPROVED' | 'PAYMENT_CANCELLED' = 'PAYMENT_APPROVED') {
  await ledger.apply(factOfPayment({ ...p, event, approvalDate: kstDate(new Date(p.approvedAt)) })!);
}

async function world() {
  const ledger = new InMemorySettlement();
  const payments = new Map<string, { status: ScreenedPayment['status'] }>();
  const screening = inMemoryScreening({ ledger, payments });
  await ledger.deposit({ depositId: 'D1', municipalityCode: '44130', programCode: 'COMMUNITY', amount: 1_000_000, depositedAt: '2026-03-01T09:00:00+09:00', recordedBy: 'm', at: '2026-03-01T09:00:00+09:00' });
  const pay = (run: PayoutRun) => payProvider(ledger.engine, run, 'P0001', 'COMMUNITY', account, new Date('2026-03-11T01:00:00+09:00'));
  return { ledger, payments, screening, pay };
}

describe('PO-02 payouts wait for screening', () => {
  it('PO-02 a run made while screening is stopped pays only what screening finished with; the ad-hoc run pays the rest once screened', async () => {
    const { ledger, payments, screening, pay } = await world();
    const [first, second] = [payment(1), payment(2)];
    for (const p of [first, second]) {
      payments.set(p.approvalNumber, { status: 'APPROVED' });
      await settle(ledger, p);
    }
    await screenApproval(screening.port, first, settings, new Date('2026-03-09T11:05:01+09:00'));
    // The screening consumer stops: the second approval waits in its queue through the run.
    expect(await pay(regular)).toMatchObject({ kind: 'paid', payout: { amount: 36_000 } });
    await screenApproval(screening.port, second, settings, new Date('2026-03-11T08:00:00+09:00'));
    expect(await pay(adhoc)).toMatchObject({ kind: 'paid', payout: { amount: 36_000, draws: [{ day: '2026-03-09', amount: 36_000 }] } });
    expect((await ledger.account('44130', 'COMMUNITY')).balance).toBe(1_000_000 - 72_000);
  });

  it('PO-02 a payment SCR-04 would hold is not paid before it is screened, and is held, not paid, after', async () => {
    const { ledger, payments, screening, pay } = await world();
    const abroad = payment(3);
    payments.set(abroad.approvalNumber, { status: 'APPROVED' });
    await settle(ledger, abroad);
    await screening.evidencePort.recordMovement({ personKind: 'RECIPIENT', personId: abroad.recipientId }, '2026-03-01', 'DEPARTURE', '2026-03-01T00:00:00+09:00');
    expect(await pay(regular)).toMatchObject({ kind: 'nothing' });
    const raised = await screenApproval(screening.port, abroad, settings, new Date('2026-03-11T08:00:00+09:00'));
    expect(raised).toMatchObject([{ ruleId: 'SCR-04', outcome: 'raised' }]);
    expect(await pay(adhoc)).toMatchObject({ kind: 'nothing' });
    expect((await ledger.account('44130', 'COMMUNITY')).balance).toBe(1_000_000);
  });

  it('PO-02 a payment cancelled before its approval was screened leaves nothing waiting; screening it twice takes off nothing more', async () => {
    const { ledger, payments, screening, pay } = await world();
    const [kept, cancelled] = [payment(4), payment(5)];
    for (const p of [kept, cancelled]) {
      payments.set(p.approvalNumber, { status: 'APPROVED' });
      await settle(ledger, p);
    }
    payments.set(cancelled.approvalNumber, { status: 'CANCELLED' });
    await settle(ledger, cancelled, 'PAYMENT_CANCELLED');
    await screenWithdrawal(screening.port, { ...cancelled, status: 'CANCELLED' }, settings, new Date('2026-03-09T15:10:00+09:00'));
    await screenApproval(screening.port, cancelled, settings, new Date('2026-03-09T15:11:00+09:00'));
    await screenApproval(screening.port, kept, settings, new Date('2026-03-09T15:12:00+09:00'));
    await screenApproval(screening.port, kept, settings, new Date('2026-03-09T15:13:00+09:00'));
    const bucket = await ledger.bucket({ providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-09' });
    expect(bucket).toMatchObject({ approved: 72_000, cancelled: 36_000, unscreened: 0 });
    expect(await pay(regular)).toMatchObject({ kind: 'paid', payout: { amount: 36_000 } });
  });
});
