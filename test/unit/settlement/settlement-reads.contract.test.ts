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
  const records = { payments: () => payments, refunds: () => refunds, claims: () => claims };
  return {
    ledger: settlement, deposits: settlement, engine: settlement.engine,
    statements: new InMemoryStatements(records),
    seedPayment: async (p) => void payments.push(p),
    seedRefund: async (r) => void refunds.push(r),
    seedClaim: async (c) => void claims.push(c),
  };
});
