/**
 * PO-07 statement of one payout: the payout, its day-by-day draws, and the payments, refund
 * recoveries, holds and claims that payout itself settled, as CSV (UTF-8 with a BOM so
 * spreadsheet programs read Hangul; RFC 4180 quoting).
 */
import type { Claim } from '../payments/claims';
import type { Payment } from '../payments/payment';
import type { Refund } from '../payments/refunds';
import { maskCardNumber } from '../registry/identity';
import type { Payout } from './payout';

export const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quotes, separators and line breaks are quoted; a leading formula character is neutralised.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const row = (...cells: unknown[]) => cells.map(cell).join(',');

/** A payment as a statement reads it: its holds, and when screening finished with it and a hold released it. */
export type StatementPayment = Payment & {
  holdsOpen?: number;
  holdsDenied?: number;
  screenedAt?: string;
  releasedAt?: string;
  /** How this payout shows it (set by `settledBy`): held or denied when it was made, or released and paid by it. */
  shownAs?: 'HELD' | 'DENIED' | 'RELEASED';
};

/** A recovered refund, with the refunded payment's worker when the store knows it. */
export type StatementRecovery = Refund & { workerId?: string };

/** PO-07: what stands behind a payout. */
export interface StatementFacts {
  payments: StatementPayment[];
  /** Approved refunds recovered, with the worker of the payment each gives back (PO-07 per worker). */
  recoveries: StatementRecovery[];
  claims: Claim[];
}

/** What the store reads for a statement: everything on the days the payout drew from, and the provider × program's other payouts. */
export interface StatementCandidates extends StatementFacts {
  /** The provider × program's payouts (this one may be among them). */
  payouts: Pick<Payout, 'payoutId' | 'createdAt' | 'draws' | 'status'>[];
}

export interface StatementPort {
  statementFacts(payout: Payout): Promise<StatementCandidates>;
}

const instant = (at: string | undefined) => (at ? new Date(at).getTime() : Number.NEGATIVE_INFINITY);
const bucketOf = (day: string | undefined, municipalityCode: string | null | undefined) => `${day}#${municipalityCode}`;

/**
 * PO-07: what this payout itself settled. A day bucket is settled by payouts one after another;
 * each item joins its bucket's payable at one instant — a payment when it is approved and
 * screening has finished with it, a recovery or a claim when it is approved, a held payment again
 * when its hold is released — and is settled by the first payout made on that bucket after it. A
 * payout made before, or a returned one (CMS-04, which gives its draws back), did not settle it.
 * A payment held at that instant is shown by that payout as held (or denied), and again as
 * released by the payout that pays it.
 */
export function settledBy(payout: Pick<Payout, 'payoutId' | 'createdAt' | 'draws'>, c: StatementCandidates): StatementFacts {
  const made = instant(payout.createdAt);
  const previous = new Map<string, number>();
  for (const d of payout.draws) {
    const key = bucketOf(d.day, d.municipalityCode);
    const before = c.payouts.filter((o) => o.payoutId !== payout.payoutId && o.status !== 'FAILED' && instant(o.createdAt) < made && o.draws.some((x) => bucketOf(x.day, x.municipalityCode) === key && x.amount !== 0));
    previous.set(key, Math.max(Number.NEGATIVE_INFINITY, ...before.map((o) => instant(o.createdAt))));
  }
  const within = (key: string, at: number) => previous.has(key) && previous.get(key)! < at && at <= made;
  const payments: StatementPayment[] = [];
  for (const p of c.payments) {
    const key = bucketOf(p.approvalDate, p.municipalityCode);
    const blocked = (p.holdsDenied ?? 0) > 0 ? 'DENIED' : (p.holdsOpen ?? 0) > 0 ? 'HELD' : null;
    const joined = Math.max(instant(p.approvedAt), instant(p.screenedAt));
    const released = blocked ? null : p.releasedAt ? instant(p.releasedAt) : null;
    if (within(key, joined)) {
      // Released within the same payout's reach: it was paid by it.
      const shownAs = blocked ?? (released !== null && !within(key, released) ? 'HELD' : released !== null ? 'RELEASED' : null);
      payments.push(shownAs ? { ...p, shownAs } : p);
    } else if (released !== null && within(key, released)) payments.push({ ...p, shownAs: 'RELEASED' });
  }
  return {
    payments,
    recoveries: c.recoveries.filter((r) => within(bucketOf(r.recoveredOn, r.municipalityCode), instant(r.decidedAt))),
    claims: c.claims.filter((x) => within(bucketOf(x.payableOn, x.municipalityCode), instant(x.decidedAt))),
  };
}

export function statementCsv(payout: Payout, behind: StatementFacts): string {
  const account = payout.account ? `${payout.account.bankCode} ${payout.account.accountNumber.slice(0, -4).replace(/\d/g, '*')}${payout.account.accountNumber.slice(-4)}` : '';
  const lines = [
    row('section', 'payoutId', 'cycle', 'payDate', 'amount', 'status', 'account', 'holder'),
    row('PAYOUT', payout.payoutId, payout.cycle, payout.payDate, payout.amount, payout.status, account, payout.account?.holder ?? ''),
    '',
    row('section', 'day', 'municipalityCode', 'amount'),
    ...payout.draws.map((d) => row('DRAW', d.day, d.municipalityCode, d.amount)),
    ...payout.delays.map((d) => row(`DELAY ${d.reason}`, d.fromDay, d.municipalityCode, d.amount)),
    '',
    row('section', 'approvalNumber', 'approvalDate', 'serviceDate', 'recipientId', 'workerId', 'cardNumber', 'channel', 'kind', 'amount', 'status', 'held'),
    ...[...behind.payments]
      .sort((a, b) => a.approvalNumber.localeCompare(b.approvalNumber))
      .map((p) => row('PAYMENT', p.approvalNumber, p.approvalDate, p.serviceDate, p.recipientId, p.workerId, maskCardNumber(p.cardNumber), p.channel, p.kind, p.amount, p.status, p.shownAs ?? ((p.holdsDenied ?? 0) > 0 ? 'DENIED' : (p.holdsOpen ?? 0) > 0 ? 'HELD' : ''))),
    ...behind.recoveries.map((r) => row('REFUND_RECOVERED', r.approvalNumber, r.recoveredOn, '', r.recipientId, r.workerId ?? '', '', '', r.reason, -r.amount, r.state, '')),
    ...behind.claims.map((c) => row('EXCEPTION_CLAIM', c.claimId, c.payableOn, c.serviceDate, c.recipientId, c.workerId, '', 'EXCEPTION_CLAIM', c.reason, c.amount, c.state, '')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
