/**
 * PO-07 statement of one payout: the payout, its day-by-day draws, and every payment, refund
 * recovery, hold and claim on the days it paid, as CSV (UTF-8 with a BOM so spreadsheet programs
 * read Hangul; RFC 4180 quoting).
 */
import type { Claim } from '../payments/claims';
import type { Payment } from '../payments/payment';
import type { Refund } from '../payments/refunds';
import { maskCardNumber } from '../registry/identity';
import type { Payout } from './payout';

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quotes, separators and line breaks are quoted; a leading formula character is neutralised.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const row = (...cells: unknown[]) => cells.map(cell).join(',');

/** PO-07: what stands behind a payout, on the days it paid. */
export interface StatementFacts {
  payments: (Payment & { holdsOpen?: number; holdsDenied?: number })[];
  recoveries: Refund[];
  claims: Claim[];
}

export interface StatementPort {
  statementFacts(payout: Payout): Promise<StatementFacts>;
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
      .map((p) => row('PAYMENT', p.approvalNumber, p.approvalDate, p.serviceDate, p.recipientId, p.workerId, maskCardNumber(p.cardNumber), p.channel, p.kind, p.amount, p.status, (p.holdsDenied ?? 0) > 0 ? 'DENIED' : (p.holdsOpen ?? 0) > 0 ? 'HELD' : '')),
    ...behind.recoveries.map((r) => row('REFUND_RECOVERED', r.approvalNumber, r.recoveredOn, '', r.recipientId, '', '', '', r.reason, -r.amount, r.state, '')),
    ...behind.claims.map((c) => row('EXCEPTION_CLAIM', c.claimId, c.payableOn, c.serviceDate, c.recipientId, c.workerId, '', 'EXCEPTION_CLAIM', c.reason, c.amount, c.state, '')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
