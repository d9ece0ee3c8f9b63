/** Settlement's read models' contract on the in-memory fakes. */
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund } from '../../../domain/payments/refunds';
import { settlementReadsContract } from '../../contracts/settlement-reads';
import { InMemoryStatements } from '../../fakes/settlement-reads';
import { InMemorySettlement } from '../../fakes/settlement-store';

settlementReadsContract('in memory', async () => {
  const settlement = new InMemorySettlement();
  const payments: Payment[] = [];
  const refunds: Refund[] = [];
  const claims: Claim[] = [];
  const screened = new Map<string, string>();
  const released = new Map<string, string>();
  // As the adapter reads them: the screening instant from the ledger, the latest release from the holds.
  const records = {
    payments: () => payments.map((p) => ({ ...p, ...(screened.has(p.approvalNumber) ? { screenedAt: screened.get(p.approvalNumber)! } : {}), ...(released.has(p.approvalNumber) ? { releasedAt: released.get(p.approvalNumber)! } : {}) })),
    refunds: () => refunds,
    claims: () => claims,
    payouts: () => settlement.payouts.values(),
  };
  return {
    ledger: settlement, deposits: settlement, engine: settlement.engine,
    statements: new InMemoryStatements(records),
    seedPayment: async (p) => void payments.push(p),
    seedRefund: async (r) => void refunds.push(r),
    seedClaim: async (c) => void claims.push(c),
    seedScreened: async (p, at) => void screened.set(p.approvalNumber, at),
    seedHold: async (approval, _rule, at) => {
      if (at && (!released.has(approval) || new Date(at) > new Date(released.get(approval)!))) released.set(approval, at);
    },
  };
});
