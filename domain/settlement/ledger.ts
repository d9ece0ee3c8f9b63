/**
 * Settlement (domain.md §6): running totals and the payout of one provider × program.
 *
 * Money is kept in **day buckets**: one per provider × program × municipality × day. Every
 * approval, cancellation, refund recovery, hold and release adds to its bucket as it happens, so
 * a payout reads buckets (at most one per municipality and day with something unpaid), never
 * payments. Each bucket also records what has been paid from it (`settled`); what a run pays is
 * the difference, so a run made twice or late pays nothing twice and loses nothing.
 */
import type { IsoDate } from '../shared/calendar';

export interface BucketTotals {
  /** Approved payments of the day (PO-02). */
  approved: number;
  /** Same-day cancellations (PAY-10). */
  cancelled: number;
  /** Payments put on hold, counted once per payment while any hold is open (§5). */
  held: number;
  /** Held payments released again: a `PAY` decision or a void (HOLD-02, PO-05). */
  released: number;
  /** Held payments never to be paid: withdrawn or `NO_PAY` (HOLD-02); reporting only. */
  denied: number;
  /** Refunds approved on this day, recovered from this cycle's payout (PAY-11). */
  recovered: number;
  /** Approved exception claims due (EXC-02). */
  claims: number;
  /** Paid out of this bucket so far. */
  settled: number;
}

export interface Bucket extends BucketTotals {
  providerId: string;
  programCode: string;
  municipalityCode: string;
  day: IsoDate;
  /** Moves on every change: a payout writes conditioned on the version it read. */
  version: number;
}

export const EMPTY_TOTALS: BucketTotals = { approved: 0, cancelled: 0, held: 0, released: 0, denied: 0, recovered: 0, claims: 0, settled: 0 };

/** PO-02 for one bucket: what it owes the provider in all, paid or not. */
export function payable(b: BucketTotals): number {
  return b.approved - b.cancelled - b.held + b.released - b.recovered + b.claims;
}

/** What a run may still pay from the bucket (negative: the provider owes it back). */
export function unsettled(b: BucketTotals): number {
  return payable(b) - b.settled;
}

export type DelayReason = 'DEPOSIT_SHORTFALL' | 'NEGATIVE_NET' | 'OTHER';

export interface PlannedDraw {
  bucket: Bucket;
  /** Settled from this bucket by this payout (may be negative: a recovery netted). */
  amount: number;
}

export interface Delay {
  municipalityCode: string;
  amount: number;
  reason: DelayReason;
  /** Oldest day whose amount stays unpaid. */
  fromDay: IsoDate;
}

export interface PayoutPlan {
  /** Transferred now (never negative). */
  amount: number;
  draws: PlannedDraw[];
  /** Drawn from each municipality's deposit (PO-03). */
  deposits: Map<string, number>;
  delays: Delay[];
}

/**
 * One provider × program payout (PO-02/03/04). Per municipality, the day buckets are taken oldest
 * first and paid while the deposit covers them; a recovery (negative bucket) is netted against
 * the same municipality's payments. What the deposit cannot cover stays unsettled as a
 * `DEPOSIT_SHORTFALL` delay. If the whole payout nets below zero, nothing is sent and the balance
 * is carried as `NEGATIVE_NET`.
 */
export function planPayout(buckets: readonly Bucket[], depositBalance: (municipalityCode: string) => number): PayoutPlan {
  const byMunicipality = new Map<string, Bucket[]>();
  for (const b of buckets) if (unsettled(b) !== 0) (byMunicipality.get(b.municipalityCode) ?? byMunicipality.set(b.municipalityCode, []).get(b.municipalityCode)!).push(b);

  const net = [...byMunicipality.values()].flat().reduce((n, b) => n + unsettled(b), 0);
  if (net < 0) {
    const oldest = [...byMunicipality.values()].flat().sort((a, b) => a.day.localeCompare(b.day))[0]!;
    return { amount: 0, draws: [], deposits: new Map(), delays: [{ municipalityCode: oldest.municipalityCode, amount: net, reason: 'NEGATIVE_NET', fromDay: oldest.day }] };
  }

  const draws: PlannedDraw[] = [];
  const deposits = new Map<string, number>();
  const delays: Delay[] = [];
  for (const [municipality, list] of [...byMunicipality].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.day.localeCompare(b.day));
    // Recoveries first: they reduce what this municipality's deposit has to cover.
    const owed = list.filter((b) => unsettled(b) < 0);
    let credit = -owed.reduce((n, b) => n + unsettled(b), 0);
    let available = Math.max(0, depositBalance(municipality));
    let drawn = 0;
    const municipalityDraws: PlannedDraw[] = [];
    let shortAmount = 0;
    let shortFrom: IsoDate | null = null;
    for (const b of list.filter((x) => unsettled(x) > 0)) {
      const due = unsettled(b);
      const fromCredit = Math.min(credit, due);
      credit -= fromCredit;
      const fromDeposit = Math.min(available, due - fromCredit);
      available -= fromDeposit;
      drawn += fromDeposit;
      if (fromCredit + fromDeposit > 0) municipalityDraws.push({ bucket: b, amount: fromCredit + fromDeposit });
      const left = due - fromCredit - fromDeposit;
      if (left > 0) {
        shortAmount += left;
        shortFrom ??= b.day;
      }
    }
    // The recoveries are settled by what they offset; any credit left stays owed (carried).
    let offset = -owed.reduce((n, b) => n + unsettled(b), 0) - credit;
    for (const b of owed) {
      const take = Math.min(offset, -unsettled(b));
      if (take > 0) municipalityDraws.push({ bucket: b, amount: -take });
      offset -= take;
    }
    if (credit > 0) delays.push({ municipalityCode: municipality, amount: -credit, reason: 'NEGATIVE_NET', fromDay: owed[0]!.day });
    if (shortFrom !== null) delays.push({ municipalityCode: municipality, amount: shortAmount, reason: 'DEPOSIT_SHORTFALL', fromDay: shortFrom });
    if (drawn > 0) deposits.set(municipality, drawn);
    draws.push(...municipalityDraws);
  }
  const amount = draws.reduce((n, d) => n + d.amount, 0);
  return { amount, draws, deposits, delays };
}

/** One change to a bucket, applied once (its id is its idempotency key). */
export interface LedgerFact {
  factId: string;
  providerId: string;
  programCode: string;
  municipalityCode: string;
  day: IsoDate;
  deltas: Partial<BucketTotals>;
}

export interface PaymentFactSource {
  event: 'PAYMENT_APPROVED' | 'PAYMENT_CANCELLED' | 'PAYMENT_REFUNDED';
  approvalNumber: string;
  providerId: string;
  programCode: string;
  municipalityCode?: string | null | undefined;
  amount: number;
  /** The approval day (KST), which is the bucket of approvals and same-day cancellations. */
  approvalDate: IsoDate;
  /** PAY-11: refunds are recovered in the cycle of the refund's approval. */
  recoveredOn?: IsoDate | undefined;
}

/** The ledger fact of a payment event; null when it carries no money (no municipality to draw from). */
export function factOfPayment(e: PaymentFactSource): LedgerFact | null {
  if (!e.municipalityCode) return null;
  const base = { providerId: e.providerId, programCode: e.programCode, municipalityCode: e.municipalityCode };
  switch (e.event) {
    case 'PAYMENT_APPROVED':
      return { ...base, factId: `${e.approvalNumber}#APPROVED`, day: e.approvalDate, deltas: { approved: e.amount } };
    case 'PAYMENT_CANCELLED':
      return { ...base, factId: `${e.approvalNumber}#CANCELLED`, day: e.approvalDate, deltas: { cancelled: e.amount } };
    case 'PAYMENT_REFUNDED':
      return { ...base, factId: `${e.approvalNumber}#REFUNDED`, day: e.recoveredOn ?? e.approvalDate, deltas: { recovered: e.amount } };
  }
}

/**
 * What a hold change does to its payment's counts and its day bucket. A payment is blocked while
 * it has an open hold or a denied one; the bucket counts it as held once when it becomes blocked,
 * as released when it becomes payable again, and as denied when its first hold is denied.
 */
export function holdCountChange(before: { open: number; denied: number }, change: { open: number; denied: number }, amount: number): Partial<BucketTotals> {
  const after = { open: before.open + change.open, denied: before.denied + change.denied };
  const blocked = (s: { open: number; denied: number }) => s.open > 0 || s.denied > 0;
  const deltas: Partial<BucketTotals> = {};
  if (!blocked(before) && blocked(after)) deltas.held = amount;
  if (blocked(before) && !blocked(after)) deltas.released = amount;
  if (before.denied === 0 && after.denied > 0) deltas.denied = amount;
  return deltas;
}
