/**
 * PO-07 monthly settlement of a provider (대상자별·제공인력별 정산내역, 일자별 현황): for one service
 * month, what the month's payouts actually paid, per recipient, per worker or per day, after
 * refunds (과오반납) and delays (지급지연), with the payouts that paid it.
 *
 * The month's payouts are the provider's payouts that drew on a day of the month (the regular
 * cycles `M-1`…`M-3`, and ad-hoc payouts paying its delays and released holds); a returned
 * transfer (CMS-04, `FAILED`) gave its draws back and paid nothing. What each payout settled is
 * `settledBy` (statements.ts). Where a day bucket was not paid in full (a deposit shortfall or a
 * recovery carried, PO-03/04), its draws are short of what its items settled: the shortfall is
 * counted against the bucket's latest items first — PO-03 pays the oldest first — so that every
 * view sums, to the won, to what the payouts drew.
 */
import type { YearMonth } from '../shared/calendar';
import type { Payout } from './payout';
import { cell, settledBy, type StatementFacts, type StatementPort } from './statements';
import type { PayoutRecords } from './ports';

export type SettlementView = 'recipient' | 'worker' | 'day';

/** One line of a monthly settlement: a recipient's, a worker's or a day's, in one program. */
export interface MonthlyRow {
  programCode: string;
  /** The recipient id, the worker id or the day (YYYY-MM-DD). */
  key: string;
  /** Payments the month's payouts paid or are still paying. */
  payments: number;
  approved: number;
  /** Refunds recovered from the payouts (과오반납, PAY-11). */
  refunded: number;
  /** Exception claims paid (EXC-02). */
  claims: number;
  /** Payments still on hold when their payout was made (지급보류), not paid. */
  held: number;
  /** Held payments never to be paid (withdrawn or `NO_PAY`, HOLD-02). */
  denied: number;
  /** approved − refunded + claims. */
  settled: number;
  /** What of `settled` is not paid yet (지급지연; negative: a recovery still owed). */
  delayed: number;
  /** settled − delayed: what the payouts actually paid. */
  paid: number;
  /** The payouts that paid it, oldest first. */
  payoutIds: string[];
}

export interface MonthlyPayout {
  payoutId: string;
  programCode: string;
  cycle: string;
  payDate: string;
  status: Payout['status'];
  /** What the payout drew on the month's days. */
  drawn: number;
}

export interface MonthlySettlement {
  providerId: string;
  month: YearMonth;
  by: SettlementView;
  programCode: string | null;
  payouts: MonthlyPayout[];
  items: MonthlyRow[];
  totals: Omit<MonthlyRow, 'programCode' | 'key' | 'payoutIds'> & {
    /** What the month's payouts drew on its days: `paid` sums to it. */
    drawn: number;
  };
}

type Amounts = Pick<MonthlyRow, 'payments' | 'approved' | 'refunded' | 'claims' | 'held' | 'denied'>;

/** One settled item: a payment, a recovery or a claim, in its bucket and its row. */
interface Line {
  row: string;
  bucket: string;
  /** Signed: what it adds to what the bucket pays. */
  amount: number;
  /** Later items first take the shortfall. */
  order: string;
  delayed: number;
}

const EMPTY: Amounts = { payments: 0, approved: 0, refunded: 0, claims: 0, held: 0, denied: 0 };

/** PO-07: the monthly settlement from the month's payouts and what each of them settled. */
export function summarizeMonth(query: { providerId: string; month: YearMonth; by: SettlementView; programCode?: string | undefined }, settled: readonly { payout: Payout; facts: StatementFacts }[]): MonthlySettlement {
  const inMonth = (day: string | undefined) => day !== undefined && day.startsWith(`${query.month}-`);
  const rowKey = (programCode: string, recipientId: string, workerId: string, day: string) => `${programCode}\u0000${query.by === 'recipient' ? recipientId : query.by === 'worker' ? workerId : day}`;
  const bucketKey = (programCode: string, day: string, municipalityCode: string) => `${programCode}\u0000${day}\u0000${municipalityCode}`;
  const ordered = [...settled].sort((a, b) => a.payout.createdAt.localeCompare(b.payout.createdAt) || a.payout.payoutId.localeCompare(b.payout.payoutId));
  const paying = ordered.filter((s) => s.payout.status !== 'FAILED');

  const rows = new Map<string, Amounts & { payoutIds: Set<string> }>();
  const rowOf = (key: string) => rows.get(key) ?? rows.set(key, { ...EMPTY, payoutIds: new Set() }).get(key)!;
  const lines: Line[] = [];

  // A payment may be shown held by one payout and released by a later one: its last showing counts.
  const payments = new Map<string, { payment: StatementFacts['payments'][number]; payoutId: string }>();
  for (const { payout, facts } of paying) for (const p of facts.payments) if (inMonth(p.approvalDate) && p.status !== 'CANCELLED') payments.set(p.approvalNumber, { payment: p, payoutId: payout.payoutId });
  for (const { payment: p, payoutId } of payments.values()) {
    const key = rowKey(p.programCode, p.recipientId, p.workerId, p.approvalDate);
    const row = rowOf(key);
    if (p.shownAs === 'HELD' || p.shownAs === 'DENIED') {
      if (p.shownAs === 'HELD') row.held += p.amount;
      else row.denied += p.amount;
      continue;
    }
    row.payments += 1;
    row.approved += p.amount;
    row.payoutIds.add(payoutId);
    lines.push({ row: key, bucket: bucketKey(p.programCode, p.approvalDate, p.municipalityCode), amount: p.amount, order: `${p.approvedAt}#${p.approvalNumber}`, delayed: 0 });
  }
  for (const { payout, facts } of paying) {
    for (const r of facts.recoveries) {
      if (!inMonth(r.recoveredOn)) continue;
      const key = rowKey(r.programCode, r.recipientId, r.workerId ?? '', r.recoveredOn!);
      const row = rowOf(key);
      row.refunded += r.amount;
      row.payoutIds.add(payout.payoutId);
      lines.push({ row: key, bucket: bucketKey(r.programCode, r.recoveredOn!, r.municipalityCode), amount: -r.amount, order: `${r.decidedAt ?? ''}#${r.refundId}`, delayed: 0 });
    }
    for (const c of facts.claims) {
      if (!inMonth(c.payableOn)) continue;
      const key = rowKey(c.programCode, c.recipientId, c.workerId, c.payableOn!);
      const row = rowOf(key);
      row.claims += c.amount;
      row.payoutIds.add(payout.payoutId);
      lines.push({ row: key, bucket: bucketKey(c.programCode, c.payableOn!, c.municipalityCode), amount: c.amount, order: `${c.decidedAt ?? ''}#${c.claimId}`, delayed: 0 });
    }
  }

  // What the payouts drew per bucket, against what its items settled: the difference is still delayed.
  const drawnBy = new Map<string, number>();
  for (const { payout } of paying) {
    for (const d of payout.draws.filter((x) => inMonth(x.day))) {
      const key = bucketKey(payout.programCode, d.day, d.municipalityCode);
      drawnBy.set(key, (drawnBy.get(key) ?? 0) + d.amount);
    }
  }
  const byBucket = new Map<string, Line[]>();
  for (const l of lines) (byBucket.get(l.bucket) ?? byBucket.set(l.bucket, []).get(l.bucket)!).push(l);
  const delayedBy = new Map<string, number>();
  for (const [bucket, items] of byBucket) {
    let short = items.reduce((n, l) => n + l.amount, 0) - (drawnBy.get(bucket) ?? 0);
    const sign = Math.sign(short);
    for (const l of items.filter((x) => Math.sign(x.amount) === sign).sort((a, b) => b.order.localeCompare(a.order))) {
      if (short === 0) break;
      l.delayed = sign * Math.min(Math.abs(short), Math.abs(l.amount));
      short -= l.delayed;
      delayedBy.set(l.row, (delayedBy.get(l.row) ?? 0) + l.delayed);
    }
  }

  const items: MonthlyRow[] = [...rows].map(([key, r]) => {
    const [programCode, k] = key.split('\u0000') as [string, string];
    const settledAmount = r.approved - r.refunded + r.claims;
    const delayed = delayedBy.get(key) ?? 0;
    const ids = ordered.map((s) => s.payout.payoutId).filter((id) => r.payoutIds.has(id));
    return { programCode, key: k, payments: r.payments, approved: r.approved, refunded: r.refunded, claims: r.claims, held: r.held, denied: r.denied, settled: settledAmount, delayed, paid: settledAmount - delayed, payoutIds: ids };
  }).sort((a, b) => a.programCode.localeCompare(b.programCode) || a.key.localeCompare(b.key));

  const sum = (f: (r: MonthlyRow) => number) => items.reduce((n, r) => n + f(r), 0);
  const monthPayouts = ordered.map(({ payout }) => ({
    payoutId: payout.payoutId, programCode: payout.programCode, cycle: payout.cycle, payDate: payout.payDate, status: payout.status,
    drawn: payout.status === 'FAILED' ? 0 : payout.draws.filter((d) => inMonth(d.day)).reduce((n, d) => n + d.amount, 0),
  }));
  return {
    providerId: query.providerId, month: query.month, by: query.by, programCode: query.programCode ?? null,
    payouts: monthPayouts,
    items,
    totals: {
      payments: sum((r) => r.payments), approved: sum((r) => r.approved), refunded: sum((r) => r.refunded), claims: sum((r) => r.claims), held: sum((r) => r.held), denied: sum((r) => r.denied),
      settled: sum((r) => r.settled), delayed: sum((r) => r.delayed), paid: sum((r) => r.paid), drawn: monthPayouts.reduce((n, p) => n + p.drawn, 0),
    },
  };
}

/** The first day a payout paying the month can be paid on: its first day. Older payouts are not read. */
const monthStart = (month: YearMonth) => `${month}-01`;

/** PO-07: reads the month's payouts and what each settled, and sums them (`summarizeMonth`). */
export async function monthlySettlement(deps: { records: PayoutRecords; statements: StatementPort }, query: { providerId: string; month: YearMonth; by: SettlementView; programCode?: string | undefined }): Promise<MonthlySettlement> {
  const payouts: Payout[] = [];
  // Newest pay day first: a payout paid before the month began cannot have drawn on its days.
  for (let nextToken: string | undefined, done = false; !done;) {
    const page = await deps.records.providerPayouts(query.providerId, undefined, { limit: 100, ...(nextToken ? { nextToken } : {}) });
    payouts.push(...page.items.filter((p) => p.payDate >= monthStart(query.month)));
    nextToken = page.nextToken;
    done = !nextToken || page.items.some((p) => p.payDate < monthStart(query.month));
  }
  const ofMonth = payouts.filter((p) => (!query.programCode || p.programCode === query.programCode) && p.draws.some((d) => d.day.startsWith(`${query.month}-`)));
  const settled = await Promise.all(ofMonth.map(async (payout) => ({ payout, facts: settledBy(payout, await deps.statements.statementFacts(payout)) })));
  return summarizeMonth(query, settled);
}

const HEADERS: Record<SettlementView, string> = { recipient: '대상자ID(recipientId)', worker: '제공인력ID(workerId)', day: '결제일자(day)' };

/** PO-07 as CSV: UTF-8 with a BOM (spreadsheet programs read Hangul), the manual's field names, a total line. */
export function monthlyCsv(s: MonthlySettlement): string {
  const line = (...cells: unknown[]) => cells.map(cell).join(',');
  const cycleOf = new Map(s.payouts.map((p) => [p.payoutId, p.cycle === 'adhoc' ? `상시 ${p.payDate}` : p.cycle]));
  const amounts = (r: MonthlySettlement['totals'] | MonthlyRow) => [r.payments, r.approved, r.refunded, r.claims, r.held, r.denied, r.settled, r.delayed, r.paid];
  return `\uFEFF${[
    line('사업(programCode)', HEADERS[s.by], '결제건수(payments)', '결제금액(approved)', '과오반납액(refunded)', '예외지급액(claims)', '지급보류액(held)', '지급불가액(denied)', '정산액(settled)', '지급지연액(delayed)', '실지급액(paid)', '지급차수(cycles)'),
    ...s.items.map((r) => line(r.programCode, r.key, ...amounts(r), r.payoutIds.map((id) => cycleOf.get(id) ?? id).join(' '))),
    line('합계(total)', '', ...amounts(s.totals), ''),
  ].join('\r\n')}\r\n`;
}
