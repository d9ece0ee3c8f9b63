/**
 * Everything settlement uses, built once per container from its stores: the ledger's buckets,
 * deposits, payouts, statements and the PO-08 totals (one store per aggregate, each its own
 * file).
 */
import type { PayoutPort } from '../../../domain/settlement/ports';
import type { Table } from './client';
import { DynamoDepositStore, DynamoProviderReach } from './deposit-store';
import { DynamoLedgerStore } from './ledger-store';
import { DynamoPayoutStore } from './payout-store';
import { DynamoStatementStore } from './statement-store';
import { DynamoTotalsStore } from './totals-store';

/** The five stores (the totals serve the stream consumer and the report), and what one payout needs from the three it spans (`engine`). */
export function settlementStores(table: Table, epochSeconds: () => number) {
  const ledger = new DynamoLedgerStore(table, epochSeconds);
  const deposits = new DynamoDepositStore(table);
  const payouts = new DynamoPayoutStore(table);
  const engine: PayoutPort = {
    existing: (id) => payouts.payout(id),
    openBuckets: (p, g, through) => ledger.openBuckets(p, g, through),
    depositBalance: (m, g) => deposits.balance(m, g),
    commit: (payout, plan, settled, at) => payouts.commit(payout, plan, settled, at),
    allocation: (run, m, g) => payouts.allocation(run, m, g),
    depositBuckets: (m, g, through) => ledger.depositBuckets(m, g, through),
    keepAllocation: (a) => payouts.keepAllocation(a),
  };
  return { ledger, deposits, payouts, statements: new DynamoStatementStore(table), reach: new DynamoProviderReach(table), totals: new DynamoTotalsStore(table, epochSeconds), engine };
}
