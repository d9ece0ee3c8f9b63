/**
 * Payout runs (domain.md §6, PO-01..05): which runs are due on a day, and the payout of one
 * provider × program in a run. A run is identified by what it pays (`2026-03-1`, or
 * `adhoc-2026-03-16`), so running it twice or late finds the payouts it already made.
 */
import type { PayoutAccount } from '../registry/entities';
import { cycle, cycleBounds, type Cycle, type HolidayCalendar, isBusinessDay, nextBusinessDay } from '../shared/business-days';
import { addDays, addMonths, formatKst, type IsoDate } from '../shared/calendar';
import { DepositShares } from './allocation';
import { type Bucket, type Delay, type PayoutPlan, payableNow, planPayout, unsettled } from './ledger';
import type { Payout, PayoutRun } from './payout';
import type { Payee, PayoutPort, PayoutRecords } from './ports';

/** PO-01: a cycle's regular run is made from 01:00 KST on the day after its last day, any day of the week. */
export function runDateOf(c: Cycle): IsoDate {
  return c.runDate;
}

/** A regular run missed (the schedule did not fire) is still made within this many days. */
export const CATCH_UP_DAYS = 10;

/**
 * The regular cycle runs due on `today`: cycles whose run day is today or passed less than
 * `CATCH_UP_DAYS` ago (a missed day is caught up; a run already made finds its payouts). Every
 * cycle has exactly one: none is skipped or left to an ad-hoc run (PO-01).
 */
export function dueCycleRuns(today: IsoDate, holidays: HolidayCalendar): PayoutRun[] {
  const runs: PayoutRun[] = [];
  for (let back = 2; back >= 0; back--) {
    const month = addMonths(today.slice(0, 7), -back);
    for (const n of [1, 2, 3] as const) {
      // The run day needs no holidays: a cycle not due is not asked for a pay day (whose year's
      // holidays may not be published yet).
      const runDate = addDays(cycleBounds(month, n).to, 1);
      if (runDate > today || addDays(runDate, CATCH_UP_DAYS) <= today) continue;
      const c = cycle(month, n, holidays);
      runs.push({ runId: c.cycleId, runDate: c.runDate, cycle: c.cycleId, payDate: c.payDate, payDateReason: c.payDateReason, throughDay: c.to });
    }
  }
  return runs;
}

/**
 * PO-05: the ad-hoc run of a business day pays what became payable in cycles whose regular run
 * has been made (delays whose deposit was topped up, released holds, failed transfers corrected),
 * on the next business day.
 */
export function adhocRun(today: IsoDate, holidays: HolidayCalendar): PayoutRun | null {
  if (!isBusinessDay(today, holidays)) return null;
  // The latest cycle whose regular run was made before today (look back far enough to find one).
  let last: IsoDate | undefined;
  for (let back = 0; back <= 2 && !last; back++) {
    const month = addMonths(today.slice(0, 7), -back);
    last = ([3, 2, 1] as const).map((n) => cycle(month, n, holidays)).find((c) => c.runDate < today)?.to;
  }
  if (!last) return null;
  return { runId: `adhoc-${today}`, runDate: today, cycle: 'adhoc', payDate: nextBusinessDay(today, holidays), throughDay: last };
}

/**
 * EXC-02: an approved claim is put on the last day of the latest cycle already run, so the next
 * ad-hoc run (the next business day) pays it, well before the 20th of the month after.
 */
export function claimPayableDay(today: IsoDate, holidays: HolidayCalendar): IsoDate {
  for (let back = 0; back <= 2; back++) {
    const month = addMonths(today.slice(0, 7), -back);
    const done = ([3, 2, 1] as const).map((n) => cycle(month, n, holidays)).find((c) => c.runDate < today);
    if (done) return done.to;
  }
  return today;
}

export function payoutIdOf(run: PayoutRun, providerId: string, programCode: string): string {
  return `PO-${run.runId}-${providerId}-${programCode}`;
}

/** DynamoDB's limit on one transaction; a payout's own items must fit in it. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The oldest open buckets one payout can settle in a single transaction: one item per bucket, the
 * payout, and per municipality its deposit, its deposit entry and its delay. What is left stays
 * open and is paid by the next run (the ad-hoc run of the next business day).
 */
export function bucketsForOnePayout(buckets: readonly Bucket[]): Bucket[] {
  const sorted = [...buckets].sort((a, b) => a.day.localeCompare(b.day) || a.municipalityCode.localeCompare(b.municipalityCode));
  const taken: Bucket[] = [];
  const municipalities = new Set<string>();
  for (const b of sorted) {
    const withIt = new Set(municipalities).add(b.municipalityCode);
    if (taken.length + 1 + 1 + 3 * withIt.size > MAX_TRANSACTION_ITEMS) break;
    taken.push(b);
    municipalities.add(b.municipalityCode);
  }
  return taken;
}

export type PayoutOutcome = { kind: 'paid' | 'delayed' | 'netted' | 'existing'; payout: Payout } | { kind: 'nothing' };

/** PO-04: money to send is SCHEDULED; nothing to send with something left waiting is DELAYED; exactly zero with nothing waiting is NETTED (no transfer). */
function statusOf(plan: PayoutPlan): Payout['status'] {
  if (plan.amount > 0) return 'SCHEDULED';
  return plan.delays.length > 0 ? 'DELAYED' : 'NETTED';
}

/**
 * One provider × program in one run: plan from the open buckets and what it may draw from each
 * deposit (its PO-03 share of a short one), then commit (retrying on a race). `shares` is the
 * run's, kept across the providers of a shard.
 */
export async function payProvider(port: PayoutPort, run: PayoutRun, providerId: string, programCode: string, account: PayoutAccount | null, clock: Date | (() => Date), shares = new DepositShares(port, run)): Promise<PayoutOutcome> {
  // The payout's instant is taken after its reads: what it settled is what joined its buckets before it (PO-07).
  const now = () => (typeof clock === 'function' ? clock() : clock);
  const payoutId = payoutIdOf(run, providerId, programCode);
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await port.existing(payoutId);
    if (existing) return { kind: 'existing', payout: existing };
    const buckets = bucketsForOnePayout(await port.openBuckets(providerId, programCode, run.throughDay));
    if (buckets.length === 0) return { kind: 'nothing' };
    const municipalities = [...new Set(buckets.map((b) => b.municipalityCode))];
    const balances = new Map(await Promise.all(municipalities.map(async (m) => [m, await shares.limit(m, programCode, providerId)] as const)));
    let plan = planPayout(buckets, (m) => balances.get(m) ?? 0);
    if (!account && plan.amount > 0) {
      // No payout account for this program: nothing can be sent; what is due waits as OTHER.
      const due = new Map<string, { amount: number; fromDay: IsoDate }>();
      for (const b of buckets) {
        const u = payableNow(b);
        if (u === 0) continue;
        const d = due.get(b.municipalityCode) ?? { amount: 0, fromDay: b.day };
        due.set(b.municipalityCode, { amount: d.amount + u, fromDay: d.fromDay < b.day ? d.fromDay : b.day });
      }
      plan = { amount: 0, draws: [], deposits: new Map(), delays: [...due].map(([municipalityCode, d]) => ({ municipalityCode, amount: d.amount, reason: 'OTHER' as const, fromDay: d.fromDay })) };
    }
    const settled = buckets.filter((b) => unsettled(b) === 0);
    if (plan.draws.length === 0 && plan.delays.length === 0) {
      // Only settled buckets left open: close them without a payout record.
      if ((await port.commit(null, plan, settled, formatKst(now()))) !== 'conflict') return { kind: 'nothing' };
      continue;
    }
    const payout: Payout = {
      payoutId,
      runId: run.runId,
      providerId,
      programCode,
      cycle: run.cycle,
      payDate: run.payDate,
      payDateReason: run.payDateReason ?? null,
      amount: plan.amount,
      status: statusOf(plan),
      resultCode: null,
      account,
      draws: plan.draws.map((d) => ({ day: d.bucket.day, municipalityCode: d.bucket.municipalityCode, amount: d.amount })),
      deposits: [...plan.deposits].map(([municipalityCode, amount]) => ({ municipalityCode, amount })),
      delays: plan.delays,
      createdAt: formatKst(now()),
    };
    const outcome = await port.commit(payout, plan, settled, payout.createdAt);
    if (outcome === 'committed') return { kind: payout.status === 'SCHEDULED' ? 'paid' : payout.status === 'NETTED' ? 'netted' : 'delayed', payout };
    if (outcome === 'exists') return { kind: 'existing', payout: (await port.existing(payoutId))! };
  }
  throw new Error(`payout ${payoutId}: buckets or deposits kept changing; the run can be repeated`);
}

/** Where a payout with money goes next: a transfer instruction for the CMS file (CMS-01). */
export interface TransferQueue {
  /** Queues the payout's transfer and marks it queued; a payout already marked is not passed again. */
  queue(payout: Payout, payee: Payee): Promise<void>;
}

export interface ShardDeps {
  engine: PayoutPort;
  records: Pick<PayoutRecords, 'payees' | 'rejectedAccount'>;
  transfers: TransferQueue;
  programs(): Promise<string[]>;
  clock: { now(): Date };
}

export interface ShardTally {
  paid: number;
  delayed: number;
  netted: number;
  existing: number;
  amount: number;
}

/**
 * One provider shard of a run: every provider × program (one payout account each) is paid from
 * its open buckets. A program without an account still has its dues recorded (delay OTHER); an
 * account the bank refused is not used again until the provider's account changes (CMS-04). A
 * payout with money and an account whose transfer is not queued yet is queued (a repeated shard
 * queues only what it had not).
 */
export async function payShard(deps: ShardDeps, run: PayoutRun, shard: number): Promise<ShardTally> {
  const tally: ShardTally = { paid: 0, delayed: 0, netted: 0, existing: 0, amount: 0 };
  const programs = await deps.programs();
  const shares = new DepositShares(deps.engine, run);
  for (const payee of await deps.records.payees(shard)) {
    for (const programCode of programs) {
      const registered = payee.accounts.find((a) => a.programCode === programCode) ?? null;
      const refused = registered ? await deps.records.rejectedAccount(payee.providerId, programCode) : null;
      const account = registered && !(refused && refused.bankCode === registered.bankCode && refused.accountNumber === registered.accountNumber) ? registered : null;
      const outcome = await payProvider(deps.engine, run, payee.providerId, programCode, account, () => deps.clock.now(), shares);
      if (outcome.kind === 'nothing') continue;
      tally[outcome.kind]++;
      if (outcome.kind === 'paid') tally.amount += outcome.payout.amount;
      const payout = outcome.payout;
      if (payout.amount > 0 && payout.account && !payout.instructionQueuedAt) await deps.transfers.queue(payout, payee);
    }
  }
  return tally;
}
