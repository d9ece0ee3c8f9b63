/**
 * Settlement (domain.md §6): running totals and the payout of one provider × program.
 *
 * Money is kept in **day buckets**: one per provider × program × municipality × day. Every
 * approval, cancellation, refund recovery, hold and release adds to its bucket as it happens, so
 * a payout reads buckets (at most one per municipality and day with something unpaid), never
 * payments. Each bucket also records what has been paid from it (`settled`); what a run pays is
 * the difference, so a run made twice or late pays nothing twice and loses nothing.
 */
import { type IsoDate, kstDate } from '../shared/calendar';

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
  /**
   * PO-02: approved payments whose screening has not finished. A run pays none of it; screening's
   * end (or the payment's cancellation reaching screening first) takes it off, once per payment.
   * Not part of `payable`: it only says how much of it may not be paid yet.
   */
  unscreened: number;
}

export interface Bucket extends BucketTotals {
  providerId: string;
  programCode: string;
  municipalityCode: string;
  day: IsoDate;
  /** Moves on every change: a payout writes conditioned on the version it read. */
  version: number;
}

export const EMPTY_TOTALS: BucketTotals = { approved: 0, cancelled: 0, held: 0, released: 0, denied: 0, recovered: 0, claims: 0, settled: 0, unscreened: 0 };

/** PO-02 for one bucket: what it owes the provider in all, paid or not. */
export function payable(b: BucketTotals): number {
  return b.approved - b.cancelled - b.held + b.released - b.recovered + b.claims;
}

/** What a run may still pay from the bucket (negative: the provider owes it back). */
export function unsettled(b: BucketTotals): number {
  return payable(b) - b.settled;
}

/**
 * PO-02: what a run may pay from the bucket now: what is unpaid less what screening has not
 * finished with (never below zero on that account); a recovery (negative) is owed whatever
 * screening does.
 */
export function payableNow(b: BucketTotals): number {
  const u = unsettled(b);
  return u > 0 ? Math.max(0, u - Math.max(0, b.unscreened)) : u;
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
 * One provider × program payout (PO-02/03/04). The day buckets are taken oldest first and each
 * municipality's are paid while its deposit covers them; what it cannot cover stays unsettled as a
 * `DEPOSIT_SHORTFALL` delay. Recoveries (negative buckets) are netted over the whole provider ×
 * program (PO-02), whichever municipality they belong to, and each is credited back to its own
 * municipality's deposit (a negative draw). If the whole payout nets below zero, nothing is sent
 * and the balance is carried as `NEGATIVE_NET`; so is any recovery the payments paid now cannot
 * offset. Only what screening has finished with is paid (`payableNow`, PO-02); the rest stays
 * open for a later run.
 */
export function planPayout(buckets: readonly Bucket[], depositBalance: (municipalityCode: string) => number): PayoutPlan {
  const open = buckets.filter((b) => payableNow(b) !== 0).sort((a, b) => a.day.localeCompare(b.day) || a.municipalityCode.localeCompare(b.municipalityCode));
  const net = open.reduce((n, b) => n + payableNow(b), 0);
  if (net < 0) {
    const oldest = open[0]!;
    return { amount: 0, draws: [], deposits: new Map(), delays: [{ municipalityCode: oldest.municipalityCode, amount: net, reason: 'NEGATIVE_NET', fromDay: oldest.day }] };
  }
  const owed = open.filter((b) => payableNow(b) < 0);
  const municipalities = [...new Set(open.map((b) => b.municipalityCode))].sort();
  const sumBy = (list: readonly Bucket[], m: string, f: (b: Bucket) => number) => list.filter((b) => b.municipalityCode === m).reduce((n, b) => n + f(b), 0);
  const recovered = new Map(municipalities.map((m) => [m, sumBy(owed, m, (b) => -payableNow(b))]));
  const recoveries = [...recovered.values()].reduce((n, x) => n + x, 0);

  /** Pays the payments oldest first from each municipality's deposit (and, when counted, its own recoveries credited back). */
  const pay = (countOwnRecoveries: boolean) => {
    const available = new Map(municipalities.map((m) => [m, Math.max(0, depositBalance(m)) + (countOwnRecoveries ? recovered.get(m)! : 0)]));
    const taken = new Map<Bucket, number>();
    const short = new Map<string, { amount: number; fromDay: IsoDate }>();
    for (const b of open.filter((x) => payableNow(x) > 0)) {
      const due = payableNow(b);
      const take = Math.min(available.get(b.municipalityCode)!, due);
      available.set(b.municipalityCode, available.get(b.municipalityCode)! - take);
      if (take > 0) taken.set(b, take);
      if (due > take) {
        const s = short.get(b.municipalityCode);
        short.set(b.municipalityCode, { amount: (s?.amount ?? 0) + due - take, fromDay: s?.fromDay ?? b.day });
      }
    }
    return { taken, short, paid: [...taken.values()].reduce((n, x) => n + x, 0) };
  };
  // Counting a municipality's own recoveries in what it can pay is safe only if every recovery is
  // then offset; when the payments paid cannot offset them all, pay from the deposits alone.
  let payments = pay(true);
  if (payments.paid < recoveries) payments = pay(false);

  // Recoveries are offset oldest first, up to what is paid now; the rest stays owed (carried).
  let offsetLeft = Math.min(recoveries, payments.paid);
  const offsets = new Map<Bucket, number>();
  for (const b of owed) {
    const take = Math.min(offsetLeft, -payableNow(b));
    if (take > 0) offsets.set(b, take);
    offsetLeft -= take;
  }

  const draws: PlannedDraw[] = [];
  const deposits = new Map<string, number>();
  const delays: Delay[] = [];
  for (const m of municipalities) {
    const paid = [...payments.taken].filter(([b]) => b.municipalityCode === m);
    const credited = [...offsets].filter(([b]) => b.municipalityCode === m);
    draws.push(...paid.map(([bucket, amount]) => ({ bucket, amount })), ...credited.map(([bucket, amount]) => ({ bucket, amount: -amount })));
    const drawn = paid.reduce((n, [, x]) => n + x, 0) - credited.reduce((n, [, x]) => n + x, 0);
    if (drawn !== 0) deposits.set(m, drawn);
    const carried = recovered.get(m)! - credited.reduce((n, [, x]) => n + x, 0);
    if (carried > 0) delays.push({ municipalityCode: m, amount: -carried, reason: 'NEGATIVE_NET', fromDay: owed.find((b) => b.municipalityCode === m && (offsets.get(b) ?? 0) < -payableNow(b))!.day });
    const short = payments.short.get(m);
    if (short) delays.push({ municipalityCode: m, amount: short.amount, reason: 'DEPOSIT_SHORTFALL', fromDay: short.fromDay });
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
  /** `PAYMENT_SCREENED`: screening has finished with the payment (PO-02), whatever it found. */
  event: 'PAYMENT_APPROVED' | 'PAYMENT_CANCELLED' | 'PAYMENT_REFUNDED' | 'PAYMENT_SCREENED';
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
      return { ...base, factId: `${e.approvalNumber}#APPROVED`, day: e.approvalDate, deltas: { approved: e.amount, unscreened: e.amount } };
    case 'PAYMENT_SCREENED':
      return { ...base, factId: `${e.approvalNumber}#SCREENED`, day: e.approvalDate, deltas: { unscreened: -e.amount } };
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

/** PO-02: the fact that screening has finished with an approved payment (its day bucket may pay it). */
export const screenedFact = (p: Omit<PaymentFactSource, 'event' | 'approvalDate' | 'recoveredOn'> & { approvedAt: string }): LedgerFact | null =>
  factOfPayment({ ...p, event: 'PAYMENT_SCREENED', approvalDate: kstDate(new Date(p.approvedAt)) });
