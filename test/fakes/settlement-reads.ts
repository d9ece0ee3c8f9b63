/**
 * Settlement's read model in memory: what may stand behind a payout (PO-07), read from the other
 * fakes' records as the adapter reads them from the table (payments carry their screening and
 * release instants as given).
 */
import type { Claim } from '../../domain/payments/claims';
import type { Payment } from '../../domain/payments/payment';
import type { Refund } from '../../domain/payments/refunds';
import type { Payout } from '../../domain/settlement/payout';
import type { StatementCandidates, StatementPayment, StatementPort } from '../../domain/settlement/statements';

export interface RecordSources {
  payments(): Iterable<StatementPayment>;
  refunds(): Iterable<Refund>;
  claims(): Iterable<Claim>;
  /** The payouts made (the settlement fake's), if any. */
  payouts?(): Iterable<Payout>;
}

export class InMemoryStatements implements StatementPort {
  constructor(private readonly records: RecordSources) {}

  async statementFacts(payout: Payout): Promise<StatementCandidates> {
    const days = new Set(payout.draws.map((d) => d.day));
    const paidFrom = (day: string | undefined, m: string) => day !== undefined && payout.draws.some((d) => d.day === day && d.municipalityCode === m);
    const ours = <T extends { providerId: string; programCode: string }>(r: T) => r.providerId === payout.providerId && r.programCode === payout.programCode;
    const byNumber = (a: Payment, b: Payment) => a.approvalNumber.localeCompare(b.approvalNumber);
    return {
      payments: [...this.records.payments()].filter((p) => ours(p) && paidFrom(p.approvalDate, p.municipalityCode)).sort(byNumber).map((p) => structuredClone(p)),
      recoveries: [...this.records.refunds()].filter((r) => ours(r) && r.state === 'APPROVED' && paidFrom(r.recoveredOn, r.municipalityCode)).map((r) => {
        const workerId = [...this.records.payments()].find((p) => p.approvalNumber === r.approvalNumber)?.workerId;
        return workerId ? { ...structuredClone(r), workerId } : structuredClone(r);
      }),
      claims: [...this.records.claims()].filter((c) => ours(c) && c.state === 'APPROVED' && c.payableOn !== undefined && days.has(c.payableOn)).map((c) => structuredClone(c)),
      payouts: [...(this.records.payouts?.() ?? [])].filter(ours).map((p) => ({ payoutId: p.payoutId, createdAt: p.createdAt, draws: structuredClone(p.draws), status: p.status })),
    };
  }
}
