/**
 * PO-08's facts, read with a paged Scan: an operator report on demand, whose cost grows with the
 * table. PO-08 asks for maintained totals instead; that change belongs to the money issue
 * (its point 18) and replaces this adapter behind the same `ConservationPort`.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Payment } from '../../../domain/payments/payment';
import type { DepositFacts, PayoutFacts } from '../../../domain/settlement/conservation';
import type { ConservationFacts, ConservationPort } from '../../../domain/settlement/ports';
import type { Table } from './client';
import { entityOf } from './items';
import { toBucket } from './ledger-store';

const FACT_TYPES = ['DepositBalance', 'DepositIn', 'DepositOut', 'Voucher', 'Payment', 'LedgerBucket', 'Payout', 'Refund'] as const;

export class DynamoConservationStore implements ConservationPort {
  constructor(private readonly table: Table) {}

  async conservationFacts(): Promise<ConservationFacts> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(new ScanCommand({
        TableName: this.table.name,
        FilterExpression: `#type IN (${FACT_TYPES.map((_, i) => `:t${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: Object.fromEntries(FACT_TYPES.map((t, i) => [`:t${i}`, t])),
        ExclusiveStartKey: start,
      }));
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey;
    } while (start);
    const of = (type: (typeof FACT_TYPES)[number]) => items.filter((i) => i.type === type);
    const deposits = new Map<string, DepositFacts>();
    const account = (i: Record<string, unknown>) => {
      const k = `${i.municipalityCode}/${i.programCode}`;
      if (!deposits.has(k)) deposits.set(k, { municipalityCode: i.municipalityCode as string, programCode: i.programCode as string, balance: 0, depositedTotal: 0, paidTotal: 0, entriesIn: 0, entriesOut: 0 });
      return deposits.get(k)!;
    };
    for (const b of of('DepositBalance')) Object.assign(account(b), { balance: (b.balance as number) ?? 0, depositedTotal: (b.depositedTotal as number) ?? 0, paidTotal: (b.paidTotal as number) ?? 0 });
    for (const e of of('DepositIn')) account(e).entriesIn += e.amount as number;
    for (const e of of('DepositOut')) account(e).entriesOut += e.amount as number;
    const restored = new Map(of('Refund').filter((r) => r.state === 'APPROVED').map((r) => [r.refundId as string, Boolean(r.restored)]));
    return {
      deposits: [...deposits.values()],
      vouchers: of('Voucher').map((v) => ({ recipientId: v.recipientId as string, month: v.month as string, serviceCode: v.serviceCode as string, grantedAmount: v.grantedAmount as number, remainingAmount: v.remainingAmount as number })),
      payments: of('Payment').map((p) => ({ ...entityOf<Payment>(p), restored: p.refundId ? restored.get(p.refundId as string) ?? false : false })),
      buckets: of('LedgerBucket').map(toBucket),
      payouts: of('Payout').map((p) => entityOf<PayoutFacts>(p)),
    };
  }
}
