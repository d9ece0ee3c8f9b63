/** CMS-03: a result file checked against the request it answers. */
import type { CmsFile, CmsIssue } from './fields';

/**
 * CMS-03 reconciliation: a result must answer exactly what was sent — same file, same serials
 * and references, same accounts and amounts, totals that add up. Any difference flags the
 * whole file; nothing of it may be applied.
 */
export function reconcile(request: CmsFile, result: CmsFile): CmsIssue[] {
  const issues: CmsIssue[] = [];
  if (result.kind !== 'EB32') issues.push({ record: 0, field: 'fileName', code: 'NOT_A_RESULT', message: 'the file is not an EB32 result' });
  if (result.header.fileName.slice(4) !== request.header.fileName.slice(4) || result.header.transferDate !== request.header.transferDate)
    issues.push({ record: 0, field: 'fileName', code: 'OTHER_FILE', message: `the result ${result.header.fileName} does not answer ${request.header.fileName}` });
  if (result.header.originator !== request.header.originator) issues.push({ record: 0, field: 'originator', code: 'ORIGINATOR', message: 'the result is for another originator' });
  if (result.records.length !== request.records.length) issues.push({ record: result.records.length + 1, field: 'totalRecords', code: 'COUNT_MISMATCH', message: `${result.records.length} results for ${request.records.length} transfers` });
  if (result.trailer.amountRequested !== request.trailer.amountRequested) issues.push({ record: result.records.length + 1, field: 'amountRequested', code: 'AMOUNT_MISMATCH', message: 'the result totals another amount than was sent' });
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
