/**
 * Municipalities' deposits per program (PO-03): an entry per deposit (its id is its idempotency
 * key) and a balance item with running totals, written together. Payouts draw on the balance in
 * their own transaction (payout-store.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DepositAccount, DepositEntry, DepositLedger, DepositMovement, DepositPort, ForecastFacts, ProviderReachPort } from '../../../domain/settlement/ports';
import { addMonths } from '../../../domain/shared/calendar';
import { queryAll, transactWrite } from './batch';
import type { Table } from './client';
import { gsi1, keys } from './keys';

/** Conditions spelled once. */
const conditions = {
  /** The deposit was not recorded before. */
  newDeposit: 'attribute_not_exists(PK)',
} as const;

export class DynamoDepositStore implements DepositPort {
  constructor(private readonly table: Table) {}

  async deposit(entry: DepositEntry): Promise<'recorded' | 'duplicate'> {
    const account = gsi1.depositAccount(entry.municipalityCode, entry.programCode);
    const failed = await transactWrite(this.table.doc, [
      { Put: { TableName: this.table.name, Item: { ...keys.depositIn(entry.municipalityCode, entry.programCode, entry.depositedAt, entry.depositId), type: 'DepositIn', ...entry }, ConditionExpression: conditions.newDeposit } },
      {
        Update: {
          TableName: this.table.name,
          Key: keys.depositBalance(entry.municipalityCode, entry.programCode),
          UpdateExpression: 'SET #type = :type, municipalityCode = :m, programCode = :g, GSI1PK = :all, GSI1SK = :mg ADD balance :amt, depositedTotal :amt',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'DepositBalance', ':m': entry.municipalityCode, ':g': entry.programCode, ':amt': entry.amount, ':all': account.GSI1PK, ':mg': account.GSI1SK },
        },
      },
    ]);
    return failed === null ? 'recorded' : 'duplicate';
  }

  async account(municipalityCode: string, programCode: string): Promise<DepositAccount> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.depositBalance(municipalityCode, programCode), ConsistentRead: true }));
    const n = (f: string) => (out.Item?.[f] as number | undefined) ?? 0;
    return { balance: n('balance'), depositedTotal: n('depositedTotal'), paidTotal: n('paidTotal') };
  }

  async balance(municipalityCode: string, programCode: string): Promise<number> {
    return (await this.account(municipalityCode, programCode)).balance;
  }

  async ledgers(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }): Promise<DepositLedger[]> {
    const accounts = await this.accounts(filter);
    return Promise.all(accounts.map(async (a) => {
      const municipalityCode = a.municipalityCode as string;
      const programCode = a.programCode as string;
      const items = await queryAll(this.table.doc, { TableName: this.table.name, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.depositPartition(municipalityCode, programCode) }, ConsistentRead: true });
      const n = (i: Record<string, unknown> | undefined, f: string) => (i?.[f] as number | undefined) ?? 0;
      const balance = items.find((i) => i.type === 'DepositBalance');
      const movements: DepositMovement[] = items.flatMap((i): DepositMovement[] => {
        if (i.type === 'DepositIn') return [{ kind: 'FUNDED', amount: i.amount as number, at: i.at as string, depositId: i.depositId as string, depositedAt: i.depositedAt as string }];
        if (i.type === 'DepositOut') return [{ kind: i.returned ? 'RETURNED' : 'DRAWN', amount: -(i.amount as number), at: i.at as string, payoutId: i.payoutId as string, providerId: i.providerId as string, payDate: i.payDate as string }];
        return [];
      });
      return { municipalityCode, programCode, balance: n(balance, 'balance'), depositedTotal: n(balance, 'depositedTotal'), paidTotal: n(balance, 'paidTotal'), movements };
    }));
  }

  /** The deposit accounts matching the filter (one Query of the accounts' index). */
  private async accounts(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }) {
    return (await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.depositAccountsPk } }))
      .filter((a) => (!filter.municipalityCode || a.municipalityCode === filter.municipalityCode) && (!filter.programCode || a.programCode === filter.programCode));
  }

  async forecastFacts(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }, fromMonth: string, toMonth: string): Promise<ForecastFacts[]> {
    const accounts = await this.accounts(filter);
    if (!accounts.length) return [];
    // Current delays are few: one Query for all of them.
    const delays = await queryAll(this.table.doc, { TableName: this.table.name, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': gsi1.delaysPk } });
    const since = addMonths(fromMonth, -1);
    return Promise.all(accounts.map(async (a) => {
      const municipalityCode = a.municipalityCode as string;
      const programCode = a.programCode as string;
      const [counters, draws, balance] = await Promise.all([
        queryAll(this.table.doc, {
          TableName: this.table.name,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.grantedPartition(municipalityCode, programCode), ':from': addMonths(fromMonth, -3), ':to': `${toMonth}~` },
        }),
        // PO-06: the draws paid since the previous month began (services of earlier months are paid by then).
        queryAll(this.table.doc, {
          TableName: this.table.name,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.depositPartition(municipalityCode, programCode), ':from': `OUT#${since}-01`, ':to': 'OUT#~' },
          ProjectionExpression: 'months',
        }),
        this.balance(municipalityCode, programCode),
      ]);
      const granted = new Map<string, number>();
      for (const c of counters) granted.set(c.month as string, (granted.get(c.month as string) ?? 0) + (c.granted as number));
      const paid = new Map<string, number>();
      for (const d of draws) for (const [m, v] of Object.entries((d.months as Record<string, number> | undefined) ?? {})) if (m >= since) paid.set(m, (paid.get(m) ?? 0) + v);
      // Delays of this month's days are inside its expected payout already; earlier months' come first.
      const waiting = delays.filter((d) => d.municipalityCode === municipalityCode && d.programCode === programCode && (d.amount as number) > 0 && (d.fromDay as string) < `${fromMonth}-01`).reduce((n, d) => n + (d.amount as number), 0);
      return { municipalityCode, programCode, balance, granted, paid, waiting };
    }));
  }
}

/** PO-06 for providers: the municipalities of a provider's running contracts, from its contract index (municipality and status only). */
export class DynamoProviderReach implements ProviderReachPort {
  constructor(private readonly table: Table) {}

  async municipalitiesOf(providerId: string): Promise<string[]> {
    const index = gsi1.ofProvider(providerId, 'CONTRACT', '');
    const items = await queryAll(this.table.doc, {
      TableName: this.table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :c)',
      ExpressionAttributeValues: { ':pk': index.GSI1PK, ':c': index.GSI1SK },
      ProjectionExpression: 'municipalityCode, #status',
      ExpressionAttributeNames: { '#status': 'status' },
    });
    return [...new Set(items.filter((c) => c.status === 'ACTIVE' && typeof c.municipalityCode === 'string').map((c) => c.municipalityCode as string))].sort();
  }
}
