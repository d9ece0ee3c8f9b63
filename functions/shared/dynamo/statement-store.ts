/** PO-07: the payments, refund recoveries and claims on the days a payout paid, by partition and index (no Scan). */
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import type { Refund } from '../../../domain/payments/refunds';
import type { Payout } from '../../../domain/settlement/payout';
import type { StatementFacts, StatementPort } from '../../../domain/settlement/statements';
import { queryAll } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { gsi1, keys } from './keys';

export class DynamoStatementStore implements StatementPort {
  constructor(private readonly table: Table) {}

  async statementFacts(payout: Payout): Promise<StatementFacts> {
    const days = [...new Set(payout.draws.map((d) => d.day))].sort();
    const paidFrom = (day: string | undefined, municipalityCode: string) => day !== undefined && payout.draws.some((d) => d.day === day && d.municipalityCode === municipalityCode);
    const byDay = await Promise.all(days.map((day) => queryAll(this.table.doc, {
      TableName: this.table.name,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.providerPaymentMonth(payout.providerId, day.slice(0, 7)), ':from': keys.paymentDayBound(day, false), ':to': keys.paymentDayBound(day, true) },
    })));
    const payments = byDay.flatMap((items, i) => items.filter((item) => item.type === 'Payment').map((item) => entityOf<StatementFacts['payments'][number]>(item)).filter((p) => p.programCode === payout.programCode && paidFrom(days[i], p.municipalityCode)));
    const ofProvider = (pk: string) => queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk } });
    const recoveries = (await ofProvider(gsi1.providerRefundPk(payout.providerId)))
      .map((i) => entityOf<Refund>(i))
      .filter((r) => r.state === 'APPROVED' && r.programCode === payout.programCode && paidFrom(r.recoveredOn, r.municipalityCode));
    const claims = (await ofProvider(gsi1.providerClaimPk(payout.providerId)))
      .map((i) => entityOf<Claim>(i))
      .filter((c) => c.state === 'APPROVED' && c.programCode === payout.programCode && c.payableOn !== undefined && days.includes(c.payableOn));
    return { payments: payments as (Payment & { holdsOpen?: number; holdsDenied?: number })[], recoveries, claims };
  }
}
