/**
 * PO-08 conservation: money is never created or lost. Recomputes every identity from the stored
 * facts (deposit entries, vouchers, payments, day buckets, payouts) and reports each difference.
 */
import type { Payment } from '../payments/payment';
import type { Bucket } from './ledger';

export interface DepositFacts {
  municipalityCode: string;
  programCode: string;
  balance: number;
  depositedTotal: number;
  paidTotal: number;
  entriesIn: number;
  entriesOut: number;
}

export interface VoucherFacts {
  recipientId: string;
  month: string;
  serviceCode: string;
  grantedAmount: number;
  remainingAmount: number;
}

export interface PayoutFacts {
  payoutId: string;
  amount: number;
  draws: { day: string; municipalityCode: string; amount: number }[];
  deposits: { municipalityCode: string; amount: number }[];
  providerId: string;
  programCode: string;
}

export interface Difference {
  identity: string;
  subject: string;
  expected: number;
  actual: number;
}

export interface ConservationReport {
  balanced: boolean;
  checked: Record<string, number>;
  differences: Difference[];
  totals: { deposited: number; paidOut: number; depositBalance: number; granted: number; remaining: number; paid: number; held: number; recovered: number };
}

type RefundedPayment = Payment & { restored?: boolean };

export function conservationReport(input: {
  deposits: DepositFacts[];
  vouchers: VoucherFacts[];
  payments: RefundedPayment[];
  buckets: Bucket[];
  payouts: PayoutFacts[];
}): ConservationReport {
  const differences: Difference[] = [];
  const check = (identity: string, subject: string, expected: number, actual: number) => {
    if (expected !== actual) differences.push({ identity, subject, expected, actual });
  };

  // 1. Every deposit account: deposits in = paid out + balance, and the running totals match the entries.
  for (const d of input.deposits) {
    const subject = `${d.municipalityCode}/${d.programCode}`;
    check('deposits in = paid out + balance', subject, d.entriesIn, d.entriesOut + d.balance);
    check('deposit total = its entries', subject, d.entriesIn, d.depositedTotal);
    check('paid total = its entries', subject, d.entriesOut, d.paidTotal);
    check('balance is never negative', subject, Math.max(0, d.balance), d.balance);
  }

  // 2. Every voucher: granted = remaining + paid + held + recovered (a refund restored to the voucher is remaining again).
  const key = (r: string, m: string, s: string) => `${r}/${m}/${s}`;
  const usage = new Map<string, { paid: number; held: number; recovered: number }>();
  let paidTotal = 0;
  let heldTotal = 0;
  let recoveredTotal = 0;
  for (const p of input.payments) {
    const k = key(p.recipientId, p.voucherMonth, p.serviceCode);
    const u = usage.get(k) ?? usage.set(k, { paid: 0, held: 0, recovered: 0 }).get(k)!;
    const open = (p as { holdsOpen?: number }).holdsOpen ?? 0;
    const denied = (p as { holdsDenied?: number }).holdsDenied ?? 0;
    if (p.status === 'CANCELLED') continue;
    if (p.status === 'REFUNDED') {
      if (!p.restored) {
        u.recovered += p.amount;
        recoveredTotal += p.amount;
      }
      continue;
    }
    if (denied > 0) {
      u.recovered += p.amount;
      recoveredTotal += p.amount;
    } else if (open > 0) {
      u.held += p.amount;
      heldTotal += p.amount;
    } else {
      u.paid += p.amount;
      paidTotal += p.amount;
    }
  }
  for (const v of input.vouchers) {
    const u = usage.get(key(v.recipientId, v.month, v.serviceCode)) ?? { paid: 0, held: 0, recovered: 0 };
    check('granted = remaining + paid + held + recovered', key(v.recipientId, v.month, v.serviceCode), v.grantedAmount, v.remainingAmount + u.paid + u.held + u.recovered);
  }

  // 3. Every day bucket agrees with the payments behind it.
  const byBucket = new Map<string, { approved: number; cancelled: number }>();
  for (const p of input.payments) {
    const k = `${p.providerId}/${p.programCode}/${p.municipalityCode}/${p.approvalDate}`;
    const b = byBucket.get(k) ?? byBucket.set(k, { approved: 0, cancelled: 0 }).get(k)!;
    b.approved += p.amount;
    if (p.status === 'CANCELLED') b.cancelled += p.amount;
  }
  const bucketKeys = new Set<string>();
  for (const b of input.buckets) {
    const k = `${b.providerId}/${b.programCode}/${b.municipalityCode}/${b.day}`;
    bucketKeys.add(k);
    const facts = byBucket.get(k) ?? { approved: 0, cancelled: 0 };
    check('bucket approvals = payments approved that day', k, facts.approved, b.approved);
    check('bucket cancellations = payments cancelled that day', k, facts.cancelled, b.cancelled);
  }
  for (const [k, facts] of byBucket) if (!bucketKeys.has(k) && facts.approved > 0) check('bucket approvals = payments approved that day', k, facts.approved, 0);

  // 4. What buckets say was paid = what payouts drew from them = what deposits paid out.
  const drawnByBucket = new Map<string, number>();
  const drawnByDeposit = new Map<string, number>();
  for (const po of input.payouts) {
    // A transfer the bank refused was given back to its buckets and deposits (CMS-04).
    if ((po as { returnedAt?: string }).returnedAt) continue;
    check('payout = its draws', po.payoutId, po.amount, po.draws.reduce((n, d) => n + d.amount, 0));
    check('payout = its deposit draws', po.payoutId, po.amount, po.deposits.reduce((n, d) => n + d.amount, 0));
    for (const d of po.draws) {
      const k = `${po.providerId}/${po.programCode}/${d.municipalityCode}/${d.day}`;
      drawnByBucket.set(k, (drawnByBucket.get(k) ?? 0) + d.amount);
    }
    for (const d of po.deposits) drawnByDeposit.set(`${d.municipalityCode}/${po.programCode}`, (drawnByDeposit.get(`${d.municipalityCode}/${po.programCode}`) ?? 0) + d.amount);
  }
  for (const b of input.buckets) {
    const k = `${b.providerId}/${b.programCode}/${b.municipalityCode}/${b.day}`;
    check('bucket settled = payout draws from it', k, drawnByBucket.get(k) ?? 0, b.settled);
  }
  for (const d of input.deposits) check('deposit paid out = payouts drawn from it', `${d.municipalityCode}/${d.programCode}`, drawnByDeposit.get(`${d.municipalityCode}/${d.programCode}`) ?? 0, d.entriesOut);

  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);
  return {
    balanced: differences.length === 0,
    checked: { depositAccounts: input.deposits.length, vouchers: input.vouchers.length, payments: input.payments.length, buckets: input.buckets.length, payouts: input.payouts.length },
    differences,
    totals: {
      deposited: sum(input.deposits, (d) => d.entriesIn),
      paidOut: sum(input.deposits, (d) => d.entriesOut),
      depositBalance: sum(input.deposits, (d) => d.balance),
      granted: sum(input.vouchers, (v) => v.grantedAmount),
      remaining: sum(input.vouchers, (v) => v.remainingAmount),
      paid: paidTotal,
      held: heldTotal,
      recovered: recoveredTotal,
    },
  };
}
