/**
 * PO-08 from maintained totals.
 *
 * The conservation report has to answer in seconds at national volume, so it cannot read every
 * voucher, payment and bucket. Instead, every change of a money item adds its deltas to totals per
 * municipality × program, and the report checks the identities on the totals. Each side of an
 * identity comes from a different kind of item, written by a different step, so a lost or doubled
 * write on one side shows as a difference:
 *
 * - vouchers: granted − remaining − lapsed (VCH-04) = payments approved − cancelled − refunds restored to the voucher;
 * - ledger: bucket approvals, cancellations, recoveries and claims = the payments', refunds' and
 *   claims' own; what buckets say was settled = what payouts drew from them;
 * - deposits: deposited = paid out + balance, the balance is never negative, and paid out = what
 *   payouts drew from the deposit.
 *
 * A payment carries its voucher's municipality (decide.ts), so each identity holds per
 * municipality × program. This module is pure: the table stream's consumer turns stored items
 * into these entities and hands them to `applyMoneyChanges`; the store adds each change's deltas
 * once (by the change's id, the stream record's), so a batch delivered again adds nothing.
 */
import type { Claim } from '../payments/claims';
import type { Payment } from '../payments/payment';
import type { Refund } from '../payments/refunds';
import type { Voucher } from '../vouchers/voucher';
import { type Bucket, type BucketTotals, EMPTY_TOTALS, payable } from './ledger';
import type { Payout } from './payout';
import type { DepositAccount } from './ports';

const BUCKET_FIELDS = Object.keys(EMPTY_TOTALS) as (keyof BucketTotals)[];

/** What is counted per municipality × program. */
export interface MoneyTotals {
  voucherGranted: number;
  voucherRemaining: number;
  /** VCH-04: what vouchers' remainders lapsed after the end of the month after theirs. */
  voucherLapsed: number;
  paymentsApproved: number;
  paymentsCancelled: number;
  paymentsRefunded: number;
  refundsRestored: number;
  claimsApproved: number;
  payoutDraws: number;
  payoutDepositDraws: number;
  /** Payout records made (a count, not money: the report says how many it stands on). */
  payouts: number;
  /** §4.6: the same voucher identity in minutes, for time programs (0 for session programs). */
  voucherMinutesGranted: number;
  voucherMinutesRemaining: number;
  voucherMinutesLapsed: number;
  paymentMinutesApproved: number;
  paymentMinutesCancelled: number;
  refundMinutesRestored: number;
  bucket: BucketTotals;
}

export const EMPTY_MONEY_TOTALS: MoneyTotals = {
  voucherGranted: 0, voucherRemaining: 0, voucherLapsed: 0, paymentsApproved: 0, paymentsCancelled: 0, paymentsRefunded: 0, refundsRestored: 0, claimsApproved: 0, payoutDraws: 0, payoutDepositDraws: 0, payouts: 0,
  voucherMinutesGranted: 0, voucherMinutesRemaining: 0, voucherMinutesLapsed: 0, paymentMinutesApproved: 0, paymentMinutesCancelled: 0, refundMinutesRestored: 0,
  bucket: EMPTY_TOTALS,
};

export type TotalsDelta = { municipalityCode: string; programCode: string } & Partial<Omit<MoneyTotals, 'bucket'>> & { bucket?: Partial<BucketTotals> };

/** A voucher as stored: what remains and what lapsed, in won and (for a time program) minutes. */
export type StoredVoucherImage = Voucher & { remainingAmount: number; lapsedAmount?: number; remainingMinutes?: number; lapsedMinutes?: number };

/** A stored money item as it was and as it is (null: not there), by kind. */
export type MoneyItemChange =
  | { kind: 'Voucher'; before: StoredVoucherImage | null; after: StoredVoucherImage | null }
  | { kind: 'Payment'; before: Payment | null; after: Payment | null }
  | { kind: 'Refund'; before: Refund | null; after: Refund | null }
  | { kind: 'Claim'; before: Claim | null; after: Claim | null }
  | { kind: 'LedgerBucket'; before: Bucket | null; after: Bucket | null }
  | { kind: 'Payout'; before: (Payout & { returnedAt?: string }) | null; after: (Payout & { returnedAt?: string }) | null };

const nonZero = (d: TotalsDelta): boolean =>
  Object.entries(d).some(([k, v]) => (k === 'bucket' ? Object.values(v as Partial<BucketTotals>).some((x) => x !== 0) : typeof v === 'number' && v !== 0));

/** Entered a state (counted once, on the change that makes it so). */
const entered = <S>(before: { status?: S; state?: S } | null, after: { status?: S; state?: S } | null, s: S, field: 'status' | 'state'): boolean =>
  after !== null && after[field] === s && (before === null || before[field] !== s);

/** §4.6: the minutes deltas that moved (a session program's items carry none). */
const minutesOf = <T extends Record<string, number>>(deltas: T): Partial<T> => Object.fromEntries(Object.entries(deltas).filter(([, v]) => v !== 0)) as Partial<T>;

/** The deltas one item change adds to the totals (none for a change that moves no money). */
export function totalsDeltas(change: MoneyItemChange): TotalsDelta[] {
  const deltas = totalsDeltasOf(change);
  return deltas.filter(nonZero);
}

function totalsDeltasOf(change: MoneyItemChange): TotalsDelta[] {
  switch (change.kind) {
    case 'Voucher': {
      const v = change.after ?? change.before!;
      const lapsed = (change.after?.lapsedAmount ?? 0) - (change.before?.lapsedAmount ?? 0);
      return [{
        municipalityCode: v.municipalityCode, programCode: v.programCode,
        voucherGranted: (change.after?.grantedAmount ?? 0) - (change.before?.grantedAmount ?? 0),
        voucherRemaining: (change.after?.remainingAmount ?? 0) - (change.before?.remainingAmount ?? 0),
        ...(lapsed ? { voucherLapsed: lapsed } : {}),
        ...minutesOf({
          voucherMinutesGranted: (change.after?.grantedMinutes ?? 0) - (change.before?.grantedMinutes ?? 0),
          voucherMinutesRemaining: (change.after?.remainingMinutes ?? 0) - (change.before?.remainingMinutes ?? 0),
          voucherMinutesLapsed: (change.after?.lapsedMinutes ?? 0) - (change.before?.lapsedMinutes ?? 0),
        }),
      }];
    }
    case 'Payment': {
      const { before, after } = change;
      if (!after) return [];
      return [{
        municipalityCode: after.municipalityCode, programCode: after.programCode,
        // A payment is written approved (PAY-08): counted when it appears.
        paymentsApproved: before === null ? after.amount : 0,
        paymentsCancelled: entered(before, after, 'CANCELLED', 'status') ? after.amount : 0,
        paymentsRefunded: entered(before, after, 'REFUNDED', 'status') ? after.amount : 0,
        ...minutesOf({
          paymentMinutesApproved: before === null ? (after.minutes ?? 0) : 0,
          paymentMinutesCancelled: entered(before, after, 'CANCELLED', 'status') ? (after.minutes ?? 0) : 0,
        }),
      }];
    }
    case 'Refund': {
      const { before, after } = change;
      if (!after || !entered(before, after, 'APPROVED', 'state') || !after.restored) return [];
      return [{ municipalityCode: after.municipalityCode, programCode: after.programCode, refundsRestored: after.amount, ...minutesOf({ refundMinutesRestored: after.minutes ?? 0 }) }];
    }
    case 'Claim': {
      const { before, after } = change;
      if (!after || !entered(before, after, 'APPROVED', 'state')) return [];
      return [{ municipalityCode: after.municipalityCode, programCode: after.programCode, claimsApproved: after.amount }];
    }
    case 'LedgerBucket': {
      const b = change.after ?? change.before!;
      const bucket = Object.fromEntries(BUCKET_FIELDS.map((f) => [f, (change.after?.[f] ?? 0) - (change.before?.[f] ?? 0)])) as unknown as BucketTotals;
      return [{ municipalityCode: b.municipalityCode, programCode: b.programCode, bucket }];
    }
    case 'Payout': {
      const { before, after } = change;
      // Written once: counted when it appears; given back once: counted when it is returned (CMS-04).
      const sign = before === null && after !== null ? 1 : after?.returnedAt !== undefined && before?.returnedAt === undefined ? -1 : 0;
      if (sign === 0) return [];
      const p = after!;
      const byMunicipality = new Map<string, { payoutDraws: number; payoutDepositDraws: number }>();
      const at = (m: string) => byMunicipality.get(m) ?? byMunicipality.set(m, { payoutDraws: 0, payoutDepositDraws: 0 }).get(m)!;
      for (const d of p.draws) at(d.municipalityCode).payoutDraws += sign * d.amount;
      for (const d of p.deposits) at(d.municipalityCode).payoutDepositDraws += sign * d.amount;
      const deltas: TotalsDelta[] = [...byMunicipality].map(([municipalityCode, t]) => ({ municipalityCode, programCode: p.programCode, ...t }));
      // A payout that moved money is counted once, where it appears, under its first municipality.
      if (sign === 1 && deltas[0]) deltas[0].payouts = 1;
      return deltas;
    }
  }
}

/** Adds deltas to totals (the adapter does the same with `ADD`). */
export function addDeltas(totals: MoneyTotals, delta: TotalsDelta): MoneyTotals {
  const next: MoneyTotals = { ...totals, bucket: { ...totals.bucket } };
  for (const [k, v] of Object.entries(delta)) {
    if (k === 'bucket') for (const [f, x] of Object.entries(v as Partial<BucketTotals>) as [keyof BucketTotals, number][]) next.bucket[f] += x;
    else if (typeof v === 'number') (next as unknown as Record<string, number>)[k]! += v;
  }
  return next;
}

/** A municipality × program: the grain of every total. */
export interface MunicipalityProgram {
  municipalityCode: string;
  programCode: string;
}

/** One identity that does not hold, and by how much. */
export interface Difference {
  identity: string;
  subject: string;
  expected: number;
  actual: number;
}

export interface TotalsReport {
  balanced: boolean;
  checked: { depositAccounts: number; municipalityPrograms: number; payouts: number };
  differences: Difference[];
  /** The country's sums, for the reader: deposits, vouchers, payments, buckets. */
  totals: {
    deposited: number; paidOut: number; depositBalance: number;
    granted: number; remaining: number;
    /** VCH-04: lapsed remainders. */
    lapsed: number;
    approved: number; cancelled: number; refunded: number; restored: number; claims: number;
    /** PO-02: what the buckets owe providers in all, and what payouts settled of it. */
    payable: number; settled: number;
    /** §4.6: time vouchers' minutes, by the same identity. */
    minutes: { granted: number; remaining: number; lapsed: number; approved: number; cancelled: number; restored: number };
  };
}

/** PO-08 on totals: each identity per municipality × program, and each deposit account's own. */
export function conservationFromTotals(totals: readonly (MunicipalityProgram & MoneyTotals)[], deposits: readonly (MunicipalityProgram & DepositAccount)[]): TotalsReport {
  const differences: Difference[] = [];
  const check = (identity: string, subject: string, expected: number, actual: number) => {
    if (expected !== actual) differences.push({ identity, subject, expected, actual });
  };
  const depositDraws = new Map(totals.map((t) => [`${t.municipalityCode}/${t.programCode}`, t.payoutDepositDraws]));
  for (const d of deposits) {
    const subject = `${d.municipalityCode}/${d.programCode}`;
    check('deposits in = paid out + balance', subject, d.depositedTotal, d.paidTotal + d.balance);
    check('balance is never negative', subject, Math.max(0, d.balance), d.balance);
    check('deposit paid out = payouts drawn from it', subject, depositDraws.get(subject) ?? 0, d.paidTotal);
  }
  const accounts = new Set(deposits.map((d) => `${d.municipalityCode}/${d.programCode}`));
  for (const t of totals) {
    const subject = `${t.municipalityCode}/${t.programCode}`;
    check('granted - remaining - lapsed = approved - cancelled - restored', subject, t.voucherGranted - t.voucherRemaining - t.voucherLapsed, t.paymentsApproved - t.paymentsCancelled - t.refundsRestored);
    check('minutes granted - remaining - lapsed = approved - cancelled - restored', subject, t.voucherMinutesGranted - t.voucherMinutesRemaining - t.voucherMinutesLapsed, t.paymentMinutesApproved - t.paymentMinutesCancelled - t.refundMinutesRestored);
    check('bucket approvals = payments approved', subject, t.paymentsApproved, t.bucket.approved);
    check('bucket cancellations = payments cancelled', subject, t.paymentsCancelled, t.bucket.cancelled);
    check('bucket recoveries = payments refunded', subject, t.paymentsRefunded, t.bucket.recovered);
    check('bucket claims = claims approved', subject, t.claimsApproved, t.bucket.claims);
    check('bucket settled = payout draws from it', subject, t.payoutDraws, t.bucket.settled);
    if (!accounts.has(subject)) check('deposit paid out = payouts drawn from it', subject, t.payoutDepositDraws, 0);
  }
  const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
  return {
    balanced: differences.length === 0,
    checked: { depositAccounts: deposits.length, municipalityPrograms: totals.length, payouts: sum(totals, (t) => t.payouts) },
    differences,
    totals: {
      deposited: sum(deposits, (d) => d.depositedTotal),
      paidOut: sum(deposits, (d) => d.paidTotal),
      depositBalance: sum(deposits, (d) => d.balance),
      granted: sum(totals, (t) => t.voucherGranted),
      remaining: sum(totals, (t) => t.voucherRemaining),
      lapsed: sum(totals, (t) => t.voucherLapsed),
      approved: sum(totals, (t) => t.paymentsApproved),
      cancelled: sum(totals, (t) => t.paymentsCancelled),
      refunded: sum(totals, (t) => t.paymentsRefunded),
      restored: sum(totals, (t) => t.refundsRestored),
      claims: sum(totals, (t) => t.claimsApproved),
      payable: sum(totals, (t) => payable(t.bucket)),
      settled: sum(totals, (t) => t.bucket.settled),
      minutes: {
        granted: sum(totals, (t) => t.voucherMinutesGranted),
        remaining: sum(totals, (t) => t.voucherMinutesRemaining),
        lapsed: sum(totals, (t) => t.voucherMinutesLapsed),
        approved: sum(totals, (t) => t.paymentMinutesApproved),
        cancelled: sum(totals, (t) => t.paymentMinutesCancelled),
        restored: sum(totals, (t) => t.refundMinutesRestored),
      },
    },
  };
}

/** A money item change and its id (the table stream record's): applied once however often it comes. */
export interface MoneyChange {
  changeId: string;
  change: MoneyItemChange;
}

/** The totals' store: each change's deltas are added once, in one write with its marker. */
export interface TotalsPort {
  applyOnce(changes: readonly { changeId: string; deltas: readonly TotalsDelta[] }[]): Promise<void>;
}

/** What the report reads: the totals per municipality × program (summed over their shards) and every deposit account. */
export interface ConservationPort {
  conservationTotals(): Promise<{ totals: (MunicipalityProgram & MoneyTotals)[]; deposits: (MunicipalityProgram & DepositAccount)[] }>;
}

/** Adds the money that a batch of item changes moved to the totals; changes that move none write nothing. */
export async function applyMoneyChanges(changes: readonly MoneyChange[], port: TotalsPort): Promise<{ applied: number }> {
  const moving = changes.map((c) => ({ changeId: c.changeId, deltas: totalsDeltas(c.change) })).filter((c) => c.deltas.length > 0);
  if (moving.length) await port.applyOnce(moving);
  return { applied: moving.length };
}

/** `GET /v1/reports/conservation`: PO-08 checked on the maintained totals, never on the whole table. */
export async function conservationReport(port: ConservationPort): Promise<TotalsReport> {
  const { totals, deposits } = await port.conservationTotals();
  return conservationFromTotals(totals, deposits);
}
