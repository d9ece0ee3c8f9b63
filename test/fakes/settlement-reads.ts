/**
 * Settlement's read models in memory: what stands behind a payout (PO-07) and the facts the
 * conservation report checks (PO-08), read from the other fakes' records as the adapters read
 * them from the table.
 */
import type { Claim } from '../../domain/payments/claims';
import type { Payment } from '../../domain/payments/payment';
import type { Refund } from '../../domain/payments/refunds';
import type { DepositFacts, VoucherFacts } from '../../domain/settlement/conservation';
import type { Payout } from '../../domain/settlement/payout';
import type { ConservationFacts, ConservationPort } from '../../domain/settlement/ports';
import type { StatementFacts, StatementPort } from '../../domain/settlement/statements';
import type { InMemorySettlement } from './settlement-store';

export interface RecordSources {
  payments(): Iterable<Payment>;
  refunds(): Iterable<Refund>;
  claims(): Iterable<Claim>;
  vouchers(): Iterable<VoucherFacts>;
}

export class InMemoryStatements implements StatementPort {
  constructor(private readonly records: Pick<RecordSources, 'payments' | 'refunds' | 'claims'>) {}

  async statementFacts(payout: Payout): Promise<StatementFacts> {
    const days = new Set(payout.draws.map((d) => d.day));
    const paidFrom = (day: string | undefined, m: string) => day !== undefined && payout.draws.some((d) => d.day === day && d.municipalityCode === m);
    const ours = <T extends { providerId: string; programCode: string }>(r: T) => r.providerId === payout.providerId && r.programCode === payout.programCode;
    const byNumber = (a: Payment, b: Payment) => a.approvalNumber.localeCompare(b.approvalNumber);
    return {
      payments: [...this.records.payments()].filter((p) => ours(p) && paidFrom(p.approvalDate, p.municipalityCode)).sort(byNumber).map((p) => structuredClone(p)),
      recoveries: [...this.records.refunds()].filter((r) => ours(r) && r.state === 'APPROVED' && paidFrom(r.recoveredOn, r.municipalityCode)).map((r) => structuredClone(r)),
      claims: [...this.records.claims()].filter((c) => ours(c) && c.state === 'APPROVED' && c.payableOn !== undefined && days.has(c.payableOn)).map((c) => structuredClone(c)),
    };
  }
}

export class InMemoryConservation implements ConservationPort {
  constructor(private readonly settlement: InMemorySettlement, private readonly records: Pick<RecordSources, 'payments' | 'refunds' | 'vouchers'>) {}

  async conservationFacts(): Promise<ConservationFacts> {
    const deposits = new Map<string, DepositFacts>();
    const account = (m: string, g: string) => {
      const k = `${m}|${g}`;
      if (!deposits.has(k)) deposits.set(k, { municipalityCode: m, programCode: g, balance: 0, depositedTotal: 0, paidTotal: 0, entriesIn: 0, entriesOut: 0 });
      return deposits.get(k)!;
    };
    for (const [k, a] of this.settlement.accounts) Object.assign(account(k.split('|')[0]!, k.split('|')[1]!), a);
    for (const e of this.settlement.depositsIn.values()) account(e.municipalityCode, e.programCode).entriesIn += e.amount;
    for (const e of this.settlement.depositsOut) account(e.municipalityCode, e.programCode).entriesOut += e.amount;
    const restored = new Map([...this.records.refunds()].filter((r) => r.state === 'APPROVED').map((r) => [r.refundId, Boolean(r.restored)]));
    return {
      deposits: [...deposits.values()],
      vouchers: [...this.records.vouchers()].map((v) => ({ recipientId: v.recipientId, month: v.month, serviceCode: v.serviceCode, grantedAmount: v.grantedAmount, remainingAmount: v.remainingAmount })),
      payments: [...this.records.payments()].map((p) => ({ ...structuredClone(p), restored: p.refundId ? (restored.get(p.refundId) ?? false) : false })),
      buckets: await this.settlement.allBuckets(),
      payouts: [...this.settlement.payouts.values()].map((p) => structuredClone(p)),
    };
  }
}
