/**
 * PO-07: what may stand behind a payout — the payments, refund recoveries and claims on the days it
 * drew from, with when screening finished with each payment and when a hold released it, and the
 * provider × program's payouts — by partition, index and key (no Scan). Which of them the payout
 * itself settled is decided by domain/settlement/statements.ts `settledBy`.
 */
import type { Claim } from '../../../domain/payments/claims';
import { holdIdOf } from '../../../domain/screening/rules';
import type { Payout } from '../../../domain/settlement/payout';
import type { StatementCandidates, StatementPayment, StatementPort, StatementRecovery } from '../../../domain/settlement/statements';
import { batchGetAll, queryAll } from './batch';
import type { Table } from './client';
import { HOLD_RULES } from './hold-store';
import { entityOf } from './items';
import { gsi1, keys } from './keys';

export class DynamoStatementStore implements StatementPort {
  constructor(private readonly table: Table) {}

  async statementFacts(payout: Payout): Promise<StatementCandidates> {
    const days = [...new Set(payout.draws.map((d) => d.day))].sort();
    const paidFrom = (day: string | undefined, municipalityCode: string) => day !== undefined && payout.draws.some((d) => d.day === day && d.municipalityCode === municipalityCode);
    const byDay = await Promise.all(days.map((day) => queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.providerPaymentMonth(payout.providerId, day.slice(0, 7)), ':from': keys.paymentDayBound(day, false), ':to': keys.paymentDayBound(day, true) },
    })));
    const payments = byDay.flatMap((items, i) => items.filter((item) => item.type === 'Payment').map((item) => entityOf<StatementPayment>(item)).filter((p) => p.programCode === payout.programCode && paidFrom(days[i], p.municipalityCode)));
    const ofProvider = (pk: string, from?: string) =>
      queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: from ? 'GSI1PK = :pk AND GSI1SK >= :from' : 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk, ...(from ? { ':from': from } : {}) } });
    // A payout that drew from a day pays on or after it: older payouts are not read.
    const [refunds, claims, payouts] = await Promise.all([ofProvider(gsi1.providerRefundPk(payout.providerId)), ofProvider(gsi1.providerClaimPk(payout.providerId)), ofProvider(gsi1.providerPayoutPk(payout.providerId), days[0])]);
    const recoveries = refunds.map((i) => entityOf<StatementRecovery>(i)).filter((r) => r.state === 'APPROVED' && r.programCode === payout.programCode && paidFrom(r.recoveredOn, r.municipalityCode));
    const due = claims.map((i) => entityOf<Claim>(i)).filter((c) => c.state === 'APPROVED' && c.programCode === payout.programCode && c.payableOn !== undefined && days.includes(c.payableOn));
    await Promise.all([this.addTimes(payments), this.addWorkers(recoveries)]);
    return {
      payments,
      recoveries,
      claims: due,
      payouts: payouts.filter((p) => p.programCode === payout.programCode).map((p) => ({ payoutId: p.payoutId as string, createdAt: p.createdAt as string, draws: p.draws as Payout['draws'], status: p.status as Payout['status'] })),
    };
  }

  /** PO-07 per worker: each recovery's worker is the refunded payment's. */
  private async addWorkers(recoveries: StatementRecovery[]): Promise<void> {
    const paid = await batchGetAll(this.table.doc, this.table.name, recoveries.map((r) => keys.payment(r.providerId, r.approvalNumber)), { projection: 'approvalNumber, workerId' });
    const workers = new Map(paid.map((p) => [p.approvalNumber as string, p.workerId as string]));
    for (const r of recoveries) {
      const w = workers.get(r.approvalNumber);
      if (w) r.workerId = w;
    }
  }

  /** When screening finished with each payment (its `SCREENED` ledger fact) and when a hold on it was last released. */
  private async addTimes(payments: StatementPayment[]): Promise<void> {
    const screened = await batchGetAll(this.table.doc, this.table.name, payments.map((p) => keys.ledgerFact(`${p.approvalNumber}#SCREENED`)));
    const at = new Map(screened.map((f) => [f.factId as string, f.appliedAt as string | undefined]));
    const held = payments.filter((p) => p.holdsOpen !== undefined || p.holdsDenied !== undefined);
    const holds = await batchGetAll(this.table.doc, this.table.name, held.flatMap((p) => HOLD_RULES.map((r) => keys.hold(holdIdOf(p.approvalNumber, r)))));
    const released = new Map<string, string>();
    for (const h of holds) {
      const when = h.releasedAt as string | undefined;
      const approval = h.approvalNumber as string;
      if (when && (!released.has(approval) || new Date(when) > new Date(released.get(approval)!))) released.set(approval, when);
    }
    for (const p of payments) {
      const s = at.get(`${p.approvalNumber}#SCREENED`);
      if (s) p.screenedAt = s;
      const r = released.get(p.approvalNumber);
      if (r) p.releasedAt = r;
    }
  }
}
