/**
 * Settlement's read models' contract: PO-07 reads exactly the payments, recoveries and claims of
 * the days and municipalities a payout paid (PO-08's totals have their own, totals.ts). One suite, run against the in-memory fakes (test/unit) and the DynamoDB
 * adapters (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { Claim } from '../../domain/payments/claims';
import type { Payment } from '../../domain/payments/payment';
import type { Refund } from '../../domain/payments/refunds';
import { planPayout } from '../../domain/settlement/ledger';
import type { Payout } from '../../domain/settlement/payout';
import type { DepositPort, LedgerPort, PayoutPort } from '../../domain/settlement/ports';
import type { StatementPort } from '../../domain/settlement/statements';

export interface SettlementReadsUnderTest {
  ledger: LedgerPort;
  deposits: DepositPort;
  engine: PayoutPort;
  statements: StatementPort;
  seedPayment(p: Payment): Promise<void>;
  seedRefund(r: Refund): Promise<void>;
  seedClaim(c: Claim): Promise<void>;
  /** Screening finished with the payment at this instant (its SCREENED ledger fact). */
  seedScreened(p: Payment, at: string): Promise<void>;
  /** A hold of the payment under a rule, released at this instant (or still open). */
  seedHold(approvalNumber: string, ruleId: 'SCR-01' | 'SCR-02' | 'SCR-03' | 'SCR-04' | 'HOLD-03', releasedAt: string | null): Promise<void>;
}

let n = 0;
const at = '2026-03-11T01:00:00+09:00';

export function settlementReadsContract(name: string, make: () => Promise<SettlementReadsUnderTest>) {
  contractSuite(`settlement reads contract: ${name}`, make, (t) => {

    const payment = (day: string, municipalityCode: string, over: Partial<Payment> = {}): Payment => {
      const id = String(++n).padStart(8, '0');
      return {
        approvalNumber: `${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}${id}`, providerId: 'SR01', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: `R${id}`, workerId: 'W1', workerPaymentId: '20000001',
        municipalityCode, cardNumber: '9410000000000001', terminalSerial: 'VT11-000001', transactionId: `T${id}`, channel: 'TERMINAL', kind: 'NORMAL', reason: null, amount: 36_000, serviceDate: day,
        serviceStartAt: null, approvedAt: `${day}T12:00:00+09:00`, approvalDate: day, voucherMonth: day.slice(0, 7), status: 'APPROVED', ...over,
      } as Payment;
    };
    const refund = (p: Payment, over: Partial<Refund>): Refund => ({
      refundId: `RF${++n}`, approvalNumber: p.approvalNumber, providerId: p.providerId, programCode: p.programCode, recipientId: p.recipientId, municipalityCode: p.municipalityCode,
      amount: p.amount, reason: 'OVERCHARGE', state: 'APPROVED', requestedAt: at, requestedBy: 'u', ...over,
    });
    const claim = (over: Partial<Claim>): Claim => ({
      claimId: `CL${++n}`, providerId: 'SR01', programCode: 'COMMUNITY', municipalityCode: '41001', amount: 20_000, state: 'APPROVED', serviceCode: '110101', reason: 'CARD_LOST', reasonOccurredOn: '2026-02-03',
      recipientId: 'R1', workerId: 'W1', serviceDate: '2026-02-04', serviceStartAt: '2026-02-04T10:00:00+09:00', serviceEndAt: '2026-02-04T11:00:00+09:00', filedAt: at, filedBy: 'u', ...over,
    });

    it('PO-07: a statement reads what the payout paid: its days and municipalities, approved recoveries and claims', async () => {
      const inDay = payment('2026-03-02', '41001');
      const otherTown = payment('2026-03-02', '41002');
      const inTown2 = payment('2026-03-03', '41002', { workerId: 'W2' });
      const otherDay = payment('2026-03-04', '41001');
      const otherProgram = payment('2026-03-02', '41001', { programCode: 'HOUSEWORK' });
      for (const p of [inDay, otherTown, inTown2, otherDay, otherProgram]) await t.seedPayment(p);
      const recovered = refund(inTown2, { recoveredOn: '2026-03-03' });
      await t.seedRefund(recovered);
      await t.seedRefund(refund(inDay, { state: 'REQUESTED' }));
      await t.seedRefund(refund(otherDay, { recoveredOn: '2026-03-04' }));
      const due = claim({ payableOn: '2026-03-02' });
      await t.seedClaim(due);
      await t.seedClaim(claim({ state: 'RECEIVED' }));
      const payout = { payoutId: 'PO-x', providerId: 'SR01', programCode: 'COMMUNITY', draws: [{ day: '2026-03-02', municipalityCode: '41001', amount: 1 }, { day: '2026-03-03', municipalityCode: '41002', amount: 1 }] } as Payout;
      const facts = await t.statements.statementFacts(payout);
      expect(facts.payments.map((p) => p.approvalNumber).sort()).toEqual([inDay.approvalNumber, inTown2.approvalNumber].sort());
      expect(facts.recoveries.map((r) => r.refundId)).toEqual([recovered.refundId]);
      // PO-07 per worker: a recovery is the refunded payment's worker's.
      expect(facts.recoveries[0]!.workerId).toBe(inTown2.workerId);
      expect(facts.claims.map((c) => c.claimId)).toEqual([due.claimId]);
    });

    it('PO-07: each payment carries when screening finished with it and when a hold on it was last released; the provider × program\'s payouts are listed', async () => {
      const providerId = `SR${String(++n).padStart(4, '0')}`;
      const screened = payment('2026-03-05', '41001', { providerId });
      const released = payment('2026-03-05', '41001', { providerId, holdsOpen: 0 } as Partial<Payment>);
      for (const p of [screened, released]) await t.seedPayment(p);
      await t.seedScreened(screened, '2026-03-05T12:00:03+09:00');
      await t.seedHold(released.approvalNumber, 'SCR-01', '2026-03-09T10:00:00+09:00');
      await t.seedHold(released.approvalNumber, 'SCR-02', '2026-03-12T10:00:00+09:00');
      const ref = { providerId, programCode: 'COMMUNITY', municipalityCode: '41001' };
      await t.ledger.apply({ factId: `F${++n}`, ...ref, day: '2026-03-05', deltas: { approved: 72_000 } });
      const buckets = await t.engine.openBuckets(providerId, 'COMMUNITY', '2026-03-10');
      const plan = planPayout(buckets, () => 100_000);
      const made: Payout = {
        payoutId: `PO-2026-03-1-${providerId}-COMMUNITY`, runId: '2026-03-1', providerId, programCode: 'COMMUNITY', cycle: '2026-03-1', payDate: '2026-03-13', payDateReason: null, amount: plan.amount, status: 'SCHEDULED', resultCode: null, account: null,
        draws: plan.draws.map((d) => ({ day: d.bucket.day, municipalityCode: d.bucket.municipalityCode, amount: d.amount })), deposits: [], delays: [], createdAt: at,
      };
      expect(await t.engine.commit(made, { ...plan, deposits: new Map() }, [], at)).toBe('committed');
      const facts = await t.statements.statementFacts(made);
      const byNumber = new Map(facts.payments.map((p) => [p.approvalNumber, p]));
      expect(new Date(byNumber.get(screened.approvalNumber)!.screenedAt!).getTime()).toBe(new Date('2026-03-05T12:00:03+09:00').getTime());
      expect(byNumber.get(screened.approvalNumber)!.releasedAt).toBeUndefined();
      expect(new Date(byNumber.get(released.approvalNumber)!.releasedAt!).getTime()).toBe(new Date('2026-03-12T10:00:00+09:00').getTime());
      expect(facts.payouts).toEqual([{ payoutId: made.payoutId, createdAt: at, draws: made.draws, status: 'SCHEDULED' }]);
    });
  });
}
