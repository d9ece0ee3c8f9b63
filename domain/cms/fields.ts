/**
 * CMS batch credit-transfer files (cms.md, domain.md §7): the EB31 request and the EB32 result,
 * fixed-width 150-byte records in CP949. This file holds the record layouts (byte offsets as in
 * cms.md) and the typed file; `text`, `encode` and `parse` read and write them.
 */

export const RECORD_BYTES = 150;

export const ENCODING = 'cp949';

export type FieldType = 'N' | 'AN';

export interface FieldSpec {
  name: string;
  offset: number;
  length: number;
  type: FieldType;
}

const f = (name: string, offset: number, length: number, type: FieldType): FieldSpec => ({ name, offset, length, type });

export const HEADER_FIELDS: readonly FieldSpec[] = [
  f('recordType', 0, 1, 'AN'), f('serial', 1, 8, 'N'), f('originator', 9, 10, 'AN'), f('fileName', 19, 8, 'AN'), f('transferDate', 27, 6, 'N'),
  f('debitBankBranch', 33, 7, 'N'), f('debitAccount', 40, 16, 'AN'), f('filler', 56, 94, 'AN'),
];

export const DATA_FIELDS: readonly FieldSpec[] = [
  f('recordType', 0, 1, 'AN'), f('serial', 1, 8, 'N'), f('originator', 9, 10, 'AN'), f('bankBranch', 19, 7, 'N'), f('account', 26, 16, 'AN'), f('amount', 42, 13, 'N'),
  f('businessNumber', 55, 13, 'AN'), f('resultFlag', 68, 1, 'AN'), f('resultCode', 69, 4, 'AN'), f('passbookText', 73, 16, 'AN'), f('fundType', 89, 2, 'AN'),
  f('reference', 91, 25, 'AN'), f('checkFlag', 116, 1, 'AN'), f('filler', 117, 33, 'AN'),
];

export const TRAILER_FIELDS: readonly FieldSpec[] = [
  f('recordType', 0, 1, 'AN'), f('serial', 1, 8, 'N'), f('originator', 9, 10, 'AN'), f('fileName', 19, 8, 'AN'), f('totalRecords', 27, 8, 'N'), f('countRequested', 35, 8, 'N'),
  f('amountRequested', 43, 13, 'N'), f('filler', 56, 84, 'AN'), f('mac', 140, 10, 'AN'),
];

export type CmsKind = 'EB31' | 'EB32';

export interface CmsHeader {
  originator: string;
  fileName: string;
  /** YYYY-MM-DD. */
  transferDate: string;
  debitBankBranch: string;
  debitAccount: string;
}

export interface CmsRecord {
  serial: number;
  /** Bank code (3) + branch (4), `0000` when the branch is unknown. */
  bankBranch: string;
  account: string;
  amount: number;
  businessNumber: string;
  /** ' ' in a request; 'Y' paid or 'N' not paid in a result. */
  resultFlag: ' ' | 'Y' | 'N';
  /** '' in a request; four digits in a result. */
  resultCode: string;
  passbookText: string;
  fundType: string;
  reference: string;
  checkFlag: string;
}

/**
 * A request's trailer totals what it asks for; a result's, what it lists (every item, or only the
 * failed ones: cms.md "Result file").
 */
export interface CmsTrailer {
  totalRecords: number;
  countRequested: number;
  amountRequested: number;
  mac: string;
}

export interface CmsFile {
  kind: CmsKind;
  header: CmsHeader;
  records: CmsRecord[];
  trailer: CmsTrailer;
}

export interface CmsIssue {
  /** 0 is the header; data records count from 1; the trailer is records + 1. */
  record: number;
  field: string;
  code: string;
  message: string;
}

/** The one error the codec throws: every problem found, each with its record and field. */
export class CmsFormatError extends Error {
  override readonly name = 'CmsFormatError';
  constructor(readonly issues: CmsIssue[]) {
    super(`CMS file is not valid: ${issues.slice(0, 5).map((i) => `record ${i.record} ${i.field}: ${i.message}`).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
  }
}

/** The control totals of a file's data records (what the trailer must say). */
export function totalsOf(records: readonly CmsRecord[]): Omit<CmsTrailer, 'mac'> {
  return { totalRecords: records.length, countRequested: records.length, amountRequested: records.reduce((n, r) => n + r.amount, 0) };
}

const ASCII_ONLY = /^[\x20-\x7e]*$/;

/**
 * cms.md passbook text: 16 ASCII characters, or up to 8 double-byte characters (Hangul) padded
 * with full-width spaces; never Hangul and Latin letters (or any single-byte character) mixed.
 */
export function passbookTextIssue(text: string): string | null {
  if (ASCII_ONLY.test(text)) return null;
  return /[\x00-\x7f]/.test(text) ? 'passbook text mixes Hangul with single-byte characters (한영혼용불가)' : null;
}

export function checkFile(file: CmsFile): CmsIssue[] {
  const issues: CmsIssue[] = [];
  const trailerIndex = file.records.length + 1;
  const { header } = file;
  const expectedName = `${file.kind}${header.transferDate.slice(5, 7)}${header.transferDate.slice(8, 10)}`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(header.transferDate) || Number.isNaN(Date.parse(`${header.transferDate}T00:00:00Z`)) || new Date(`${header.transferDate}T00:00:00Z`).toISOString().slice(0, 10) !== header.transferDate)
    issues.push({ record: 0, field: 'transferDate', code: 'INVALID_DATE', message: `transfer date ${header.transferDate} is not a date` });
  if (header.fileName !== expectedName) issues.push({ record: 0, field: 'fileName', code: 'FILE_NAME', message: `file name must be ${expectedName} for a ${file.kind} of ${header.transferDate}` });
  file.records.forEach((r, i) => {
    const record = i + 1;
    // A request numbers its items from 1; a result keeps the serials of the items it lists (all, or only the failed ones), in order.
    const previous = i === 0 ? 0 : file.records[i - 1]!.serial;
    if (file.kind === 'EB31' ? r.serial !== record : !(Number.isSafeInteger(r.serial) && r.serial > previous))
      issues.push({ record, field: 'serial', code: 'SERIAL', message: file.kind === 'EB31' ? `serial ${r.serial} should be ${record}` : `serial ${r.serial} does not follow ${previous}` });
    const passbook = file.kind === 'EB31' ? passbookTextIssue(r.passbookText) : null;
    if (passbook) issues.push({ record, field: 'passbookText', code: 'PASSBOOK_TEXT', message: passbook });
    if (!/^\d{7}$/.test(r.bankBranch)) issues.push({ record, field: 'bankBranch', code: 'NUMERIC_FIELD', message: 'bank-branch code must be 7 digits' });
    if (!/^\d{1,16}$/.test(r.account)) issues.push({ record, field: 'account', code: 'ACCOUNT', message: 'account number must be 1-16 digits' });
    if (!(Number.isSafeInteger(r.amount) && r.amount > 0)) issues.push({ record, field: 'amount', code: 'AMOUNT', message: 'amount must be a positive whole number of won' });
    if (file.kind === 'EB31' && (r.resultFlag !== ' ' || r.resultCode !== '')) issues.push({ record, field: 'resultFlag', code: 'RESULT_IN_REQUEST', message: 'a request carries no result' });
    if (file.kind === 'EB32') {
      if (!/^\d{4}$/.test(r.resultCode)) issues.push({ record, field: 'resultCode', code: 'RESULT_CODE', message: 'a result carries a 4-digit result code' });
      else if ((r.resultFlag === 'Y') !== (r.resultCode === '0000') || (r.resultFlag !== 'Y' && r.resultFlag !== 'N'))
        issues.push({ record, field: 'resultFlag', code: 'RESULT_FLAG', message: `flag ${JSON.stringify(r.resultFlag)} does not agree with code ${r.resultCode}` });
    }
  });
  const totals = totalsOf(file.records);
  for (const [field, value] of Object.entries(totals) as [keyof typeof totals, number][]) {
    if (file.trailer[field] !== value) issues.push({ record: trailerIndex, field, code: 'CONTROL_TOTAL', message: `trailer ${field} is ${file.trailer[field]}, the records add up to ${value}` });
  }
  return issues;
}

/**
 * The file as an operator may read it (role `ops`, no personal data): the same bytes, records and
 * widths, with each transfer's account number masked but its last four digits.
 */
export function maskedForOperators(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  const account = DATA_FIELDS.find((x) => x.name === 'account')!;
  for (let at = 0; at + RECORD_BYTES <= out.length; at += RECORD_BYTES) {
    if (out[at] !== 0x52 /* 'R' */) continue;
    const field = out.subarray(at + account.offset, at + account.offset + account.length);
    const digits = field.toString('latin1').trimEnd().length;
    for (let i = 0; i < Math.max(0, digits - 4); i++) field[i] = 0x2a;
  }
  return out;
}
