/** CMS-03: a result checked against the request it answers, and what it says of each item. */
import type { CmsFile, CmsIssue } from './fields';

/**
 * What the relay answered for a file (cms.md "Result file"): a result file, listing every item or
 * only the failed ones, or the answer that nothing failed (then there is no file at all).
 */
export type ResultAnswer = { kind: 'file'; file: CmsFile } | { kind: 'no-failures' };

/**
 * A result lists every item (each flagged `Y` or `N`) or only the failed ones (EB22 practice). One
 * with no paid item reads as failures only: when every item failed the two forms say the same.
 */
export function resultForm(result: CmsFile): 'EVERY_ITEM' | 'FAILURES_ONLY' {
  return result.records.some((r) => r.resultFlag === 'Y') ? 'EVERY_ITEM' : 'FAILURES_ONLY';
}

/**
 * CMS-03 reconciliation: a result must answer exactly what was sent — same file, serials and
 * references of sent items, same accounts and amounts, totals that add up; a result of every item
 * answers every item and totals what was sent. Any difference flags the whole file; nothing of
 * it may be applied.
 */
export function reconcile(request: CmsFile, result: CmsFile): CmsIssue[] {
  const issues: CmsIssue[] = [];
  const trailer = result.records.length + 1;
  if (result.kind !== 'EB32') issues.push({ record: 0, field: 'fileName', code: 'NOT_A_RESULT', message: 'the file is not an EB32 result' });
  if (result.header.fileName.slice(4) !== request.header.fileName.slice(4) || result.header.transferDate !== request.header.transferDate)
    issues.push({ record: 0, field: 'fileName', code: 'OTHER_FILE', message: `the result ${result.header.fileName} does not answer ${request.header.fileName}` });
  if (result.header.originator !== request.header.originator) issues.push({ record: 0, field: 'originator', code: 'ORIGINATOR', message: 'the result is for another originator' });
  if (resultForm(result) === 'EVERY_ITEM') {
    if (result.records.length !== request.records.length) issues.push({ record: trailer, field: 'totalRecords', code: 'COUNT_MISMATCH', message: `${result.records.length} results for ${request.records.length} transfers` });
    if (result.trailer.amountRequested !== request.trailer.amountRequested || result.trailer.countRequested !== request.trailer.countRequested)
      issues.push({ record: trailer, field: 'amountRequested', code: 'AMOUNT_MISMATCH', message: 'a result of every item totals another count or amount than was sent' });
  }
  const sent = new Map(request.records.map((r) => [r.serial, r]));
  for (const [i, r] of result.records.entries()) {
    const s = sent.get(r.serial);
    if (!s) {
      issues.push({ record: i + 1, field: 'serial', code: 'UNKNOWN_SERIAL', message: `serial ${r.serial} was not sent` });
      continue;
    }
    for (const field of ['reference', 'account', 'bankBranch', 'amount', 'businessNumber'] as const) {
      if (r[field] !== s[field]) issues.push({ record: i + 1, field, code: 'ITEM_MISMATCH', message: `${field} differs from what was sent with serial ${r.serial}` });
    }
  }
  return issues;
}

export interface ItemOutcome {
  reference: string;
  amount: number;
  paid: boolean;
  resultCode: string;
}

/** CMS-03: every sent item's result — listed, or paid because a failures-only answer does not list it. */
export function outcomesOf(request: CmsFile, answer: ResultAnswer): ItemOutcome[] {
  const listed = new Map(answer.kind === 'file' ? answer.file.records.map((r) => [r.serial, r]) : []);
  return request.records.map((s) => {
    const r = listed.get(s.serial);
    return r ? { reference: s.reference, amount: s.amount, paid: r.resultFlag === 'Y', resultCode: r.resultCode } : { reference: s.reference, amount: s.amount, paid: true, resultCode: '0000' };
  });
}
