/**
 * CMS batch credit-transfer files (cms.md, domain.md §7): the EB31 request and the EB32 result,
 * fixed-width 150-byte records in CP949. Widths are bytes of the encoded file: a Hangul syllable
 * takes two, and text that would overflow its field is cut at a character boundary.
 *
 * The codec is strict both ways: `encodeCmsFile` refuses what it cannot write exactly, and
 * `parseCmsFile` reports every problem it finds as a typed `CmsFormatError` (never anything else),
 * with the control totals recomputed and checked.
 */
import iconv from 'iconv-lite';

export const RECORD_BYTES = 150;
const ENCODING = 'cp949';

type FieldType = 'N' | 'AN';
interface FieldSpec {
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
  f('amountRequested', 43, 13, 'N'), f('countFailed', 56, 8, 'N'), f('amountFailed', 64, 13, 'N'), f('filler', 77, 63, 'AN'), f('mac', 140, 10, 'AN'),
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

export interface CmsTrailer {
  totalRecords: number;
  countRequested: number;
  amountRequested: number;
  countFailed: number;
  amountFailed: number;
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

// ---- text ----

const isDoubleByteLead = (b: number) => b >= 0x81 && b <= 0xfe;

const charCache = new Map<string, Buffer | null>();
const ASCII = Array.from({ length: 0x80 }, (_, c) => Buffer.from([c]));

/** One character's CP949 bytes, or null if CP949 cannot write it (or it is a control character). */
function charBytes(ch: string): Buffer | null {
  const code = ch.charCodeAt(0);
  if (ch.length === 1 && code >= 0x20 && code < 0x7f) return ASCII[code]!;
  let bytes = charCache.get(ch);
  if (bytes === undefined) {
    const encoded = code < 0x20 || code === 0x7f ? null : iconv.encode(ch, ENCODING);
    bytes = encoded && iconv.decode(encoded, ENCODING) === ch ? encoded : null;
    if (charCache.size < 20_000) charCache.set(ch, bytes);
  }
  return bytes;
}


/** Text as CP949, cut at a character boundary to fit `length` bytes, then space-padded. */
export function encodeText(value: string, length: number): { bytes: Buffer; cut: boolean; unencodable: string | null } {
  const out = Buffer.alloc(length, 0x20);
  let used = 0;
  for (const ch of value) {
    const bytes = charBytes(ch);
    if (!bytes) return { bytes: out, cut: false, unencodable: ch };
    if (used + bytes.length > length) return { bytes: out, cut: true, unencodable: null };
    bytes.copy(out, used);
    used += bytes.length;
  }
  return { bytes: out, cut: false, unencodable: null };
}

/** The longest prefix of `value` that fits `length` bytes of CP949. */
export function fitText(value: string, length: number): string {
  let used = 0;
  let out = '';
  for (const ch of value) {
    const bytes = charBytes(ch);
    if (!bytes || used + bytes.length > length) break;
    used += bytes.length;
    out += ch;
  }
  return out;
}

// ---- encode ----

type Values = Record<string, string | number>;

function encodeRecord(spec: readonly FieldSpec[], values: Values, record: number, issues: CmsIssue[], cutFields: readonly string[] = []): Buffer {
  const buf = Buffer.alloc(RECORD_BYTES, 0x20);
  for (const field of spec) {
    const value = values[field.name] ?? (field.type === 'N' ? 0 : '');
    if (field.type === 'N') {
      const digits = typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : null) : /^\d*$/.test(value) ? value : null;
      if (digits === null || digits.length > field.length) {
        issues.push({ record, field: field.name, code: 'NUMERIC_FIELD', message: `${field.name} must be a whole number of at most ${field.length} digits` });
        continue;
      }
      buf.write(digits.padStart(field.length, '0'), field.offset, 'ascii');
    } else {
      const text = encodeText(String(value), field.length);
      if (text.unencodable !== null) issues.push({ record, field: field.name, code: 'UNENCODABLE', message: `${field.name} has a character CP949 cannot write (U+${text.unencodable.codePointAt(0)!.toString(16).toUpperCase()})` });
      else if (text.cut && !cutFields.includes(field.name)) issues.push({ record, field: field.name, code: 'TOO_LONG', message: `${field.name} is longer than ${field.length} bytes` });
      text.bytes.copy(buf, field.offset);
    }
  }
  return buf;
}

const yymmdd = (date: string) => `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;

/** The control totals of a file's data records (what the trailer must say). */
export function totalsOf(kind: CmsKind, records: readonly CmsRecord[]): Omit<CmsTrailer, 'mac'> {
  const failed = kind === 'EB32' ? records.filter((r) => r.resultFlag === 'N') : [];
  return {
    totalRecords: records.length,
    countRequested: records.length,
    amountRequested: records.reduce((n, r) => n + r.amount, 0),
    countFailed: failed.length,
    amountFailed: failed.reduce((n, r) => n + r.amount, 0),
  };
}

/**
 * The exact bytes of a file. Only the passbook text may be cut (at a character boundary: it is
 * what the payee reads); any other value that does not fit is refused.
 */
export function encodeCmsFile(file: CmsFile): Buffer {
  const issues: CmsIssue[] = [];
  const { header } = file;
  const records = [
    encodeRecord(HEADER_FIELDS, { recordType: 'H', serial: 0, originator: header.originator, fileName: header.fileName, transferDate: yymmdd(header.transferDate), debitBankBranch: header.debitBankBranch, debitAccount: header.debitAccount }, 0, issues),
    ...file.records.map((r, i) =>
      encodeRecord(DATA_FIELDS, { recordType: 'R', serial: r.serial, originator: header.originator, bankBranch: r.bankBranch, account: r.account, amount: r.amount, businessNumber: r.businessNumber, resultFlag: r.resultFlag, resultCode: r.resultCode, passbookText: r.passbookText, fundType: r.fundType, reference: r.reference, checkFlag: r.checkFlag }, i + 1, issues, ['passbookText']),
    ),
    encodeRecord(TRAILER_FIELDS, { recordType: 'T', serial: 99_999_999, originator: header.originator, fileName: header.fileName, ...file.trailer }, file.records.length + 1, issues),
  ];
  issues.push(...checkFile(file));
  if (issues.length) throw new CmsFormatError(issues);
  return Buffer.concat(records);
}

export interface TransferItem {
  bankCode: string;
  account: string;
  amount: number;
  businessNumber: string;
  passbookText: string;
  reference: string;
}

/** An EB31 request for a transfer date: serials from 1, fund type `VC`, totals computed. */
export function buildRequestFile(input: { originator: string; transferDate: string; debitBankBranch: string; debitAccount: string; items: readonly TransferItem[]; mac?: string }): CmsFile {
  const records: CmsRecord[] = input.items.map((item, i) => ({
    serial: i + 1,
    bankBranch: item.bankCode.length === 3 ? `${item.bankCode}0000` : item.bankCode,
    account: item.account,
    amount: item.amount,
    businessNumber: item.businessNumber,
    resultFlag: ' ',
    resultCode: '',
    passbookText: fitText(item.passbookText, 16),
    fundType: 'VC',
    reference: item.reference,
    checkFlag: '',
  }));
  return {
    kind: 'EB31',
    header: { originator: input.originator, fileName: `EB31${input.transferDate.slice(5, 7)}${input.transferDate.slice(8, 10)}`, transferDate: input.transferDate, debitBankBranch: input.debitBankBranch, debitAccount: input.debitAccount },
    records,
    trailer: { ...totalsOf('EB31', records), mac: input.mac ?? '' },
  };
}

/** The EB32 result of a request: each record's flag and code from `decide`, totals recomputed. */
export function buildResultFile(request: CmsFile, decide: (record: CmsRecord) => string): CmsFile {
  const records = request.records.map((r) => {
    const code = decide(r);
    return { ...r, resultFlag: code === '0000' ? ('Y' as const) : ('N' as const), resultCode: code };
  });
  return { kind: 'EB32', header: { ...request.header, fileName: `EB32${request.header.fileName.slice(4)}` }, records, trailer: { ...totalsOf('EB32', records), mac: request.trailer.mac } };
}

// ---- checks shared by both directions ----

function checkFile(file: CmsFile): CmsIssue[] {
  const issues: CmsIssue[] = [];
  const trailerIndex = file.records.length + 1;
  const { header } = file;
  const expectedName = `${file.kind}${header.transferDate.slice(5, 7)}${header.transferDate.slice(8, 10)}`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(header.transferDate) || Number.isNaN(Date.parse(`${header.transferDate}T00:00:00Z`)) || new Date(`${header.transferDate}T00:00:00Z`).toISOString().slice(0, 10) !== header.transferDate)
    issues.push({ record: 0, field: 'transferDate', code: 'INVALID_DATE', message: `transfer date ${header.transferDate} is not a date` });
  if (header.fileName !== expectedName) issues.push({ record: 0, field: 'fileName', code: 'FILE_NAME', message: `file name must be ${expectedName} for a ${file.kind} of ${header.transferDate}` });
  file.records.forEach((r, i) => {
    const record = i + 1;
    if (r.serial !== record) issues.push({ record, field: 'serial', code: 'SERIAL', message: `serial ${r.serial} should be ${record}` });
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
  const totals = totalsOf(file.kind, file.records);
  for (const [field, value] of Object.entries(totals) as [keyof typeof totals, number][]) {
    if (file.trailer[field] !== value) issues.push({ record: trailerIndex, field, code: 'CONTROL_TOTAL', message: `trailer ${field} is ${file.trailer[field]}, the records add up to ${value}` });
  }
  return issues;
}

// ---- parse ----

function decodeField(record: Buffer, field: FieldSpec, index: number, issues: CmsIssue[]): string {
  const slice = record.subarray(field.offset, field.offset + field.length);
  if (field.type === 'N') {
    const text = slice.toString('latin1');
    if (!/^\d+$/.test(text)) issues.push({ record: index, field: field.name, code: 'NUMERIC_FIELD', message: `${field.name} must be ${field.length} digits` });
    return text;
  }
  let ascii = true;
  for (let i = 0; i < slice.length; i++) {
    if (slice[i]! >= 0x80) ascii = false;
    if (slice[i]! < 0x20 || slice[i] === 0x7f) {
      issues.push({ record: index, field: field.name, code: 'CONTROL_CHARACTER', message: `${field.name} has a control byte` });
      return '';
    }
    if (isDoubleByteLead(slice[i]!)) {
      if (i + 1 >= slice.length) {
        issues.push({ record: index, field: field.name, code: 'SPLIT_CHARACTER', message: `${field.name} ends in the middle of a 2-byte character` });
        return '';
      }
      i++;
    }
  }
  const text = ascii ? slice.toString('latin1') : iconv.decode(slice, ENCODING);
  if (!ascii && text.includes('\uFFFD')) issues.push({ record: index, field: field.name, code: 'INVALID_ENCODING', message: `${field.name} is not valid CP949` });
  return text.replace(/ +$/, '');
}

function decodeRecord(spec: readonly FieldSpec[], record: Buffer, index: number, issues: CmsIssue[]): Record<string, string> {
  return Object.fromEntries(spec.map((field) => [field.name, decodeField(record, field, index, issues)]));
}

/** Splits the bytes into 150-byte records, accepting CR/LF between records. */
function records(bytes: Uint8Array): Buffer[] | CmsIssue {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    while (pos < buf.length && (buf[pos] === 0x0d || buf[pos] === 0x0a)) pos++;
    if (pos >= buf.length) break;
    if (pos + RECORD_BYTES > buf.length) return { record: out.length, field: 'record', code: 'RECORD_LENGTH', message: `record ${out.length} has ${buf.length - pos} bytes, not ${RECORD_BYTES}` };
    out.push(buf.subarray(pos, pos + RECORD_BYTES));
    pos += RECORD_BYTES;
  }
  return out;
}

const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : NaN);

/** Parses and validates a file; throws `CmsFormatError` with every problem found. */
export function parseCmsFile(bytes: Uint8Array): CmsFile {
  const split = records(bytes);
  if (!Array.isArray(split)) throw new CmsFormatError([split]);
  if (split.length < 2) throw new CmsFormatError([{ record: 0, field: 'file', code: 'STRUCTURE', message: 'a file has at least a header and a trailer' }]);
  const issues: CmsIssue[] = [];
  const typeOf = (r: Buffer) => String.fromCharCode(r[0]!);
  const first = split[0]!;
  const last = split[split.length - 1]!;
  if (typeOf(first) !== 'H') issues.push({ record: 0, field: 'recordType', code: 'STRUCTURE', message: 'the first record must be the header (H)' });
  if (typeOf(last) !== 'T') issues.push({ record: split.length - 1, field: 'recordType', code: 'STRUCTURE', message: 'the last record must be the trailer (T)' });
  split.slice(1, -1).forEach((r, i) => {
    if (typeOf(r) !== 'R') issues.push({ record: i + 1, field: 'recordType', code: 'STRUCTURE', message: `data record has type ${JSON.stringify(typeOf(r))}, not R` });
  });
  if (issues.length) throw new CmsFormatError(issues);

  const h = decodeRecord(HEADER_FIELDS, first, 0, issues);
  const t = decodeRecord(TRAILER_FIELDS, last, split.length - 1, issues);
  const data = split.slice(1, -1).map((r, i) => decodeRecord(DATA_FIELDS, r, i + 1, issues));
  if (h.serial !== '00000000') issues.push({ record: 0, field: 'serial', code: 'SERIAL', message: 'the header serial is 00000000' });
  if (t.serial !== '99999999') issues.push({ record: split.length - 1, field: 'serial', code: 'SERIAL', message: 'the trailer serial is 99999999' });
  const kind = (h.fileName ?? '').slice(0, 4);
  if (kind !== 'EB31' && kind !== 'EB32') issues.push({ record: 0, field: 'fileName', code: 'FILE_NAME', message: `file name ${JSON.stringify(h.fileName)} is neither EB31MMDD nor EB32MMDD` });
  if (t.fileName !== h.fileName) issues.push({ record: split.length - 1, field: 'fileName', code: 'FILE_NAME', message: 'the trailer names another file than the header' });
  for (const [i, d] of data.entries()) if (d.originator !== h.originator) issues.push({ record: i + 1, field: 'originator', code: 'ORIGINATOR', message: 'the originator differs from the header' });
  if (t.originator !== h.originator) issues.push({ record: split.length - 1, field: 'originator', code: 'ORIGINATOR', message: 'the originator differs from the header' });
  const d6 = h.transferDate ?? '';
  const file: CmsFile = {
    kind: kind === 'EB32' ? 'EB32' : 'EB31',
    header: { originator: h.originator ?? '', fileName: h.fileName ?? '', transferDate: `20${d6.slice(0, 2)}-${d6.slice(2, 4)}-${d6.slice(4, 6)}`, debitBankBranch: h.debitBankBranch ?? '', debitAccount: h.debitAccount ?? '' },
    records: data.map((d) => ({
      serial: num(d.serial),
      bankBranch: d.bankBranch ?? '',
      account: d.account ?? '',
      amount: num(d.amount),
      businessNumber: d.businessNumber ?? '',
      resultFlag: (d.resultFlag === '' ? ' ' : d.resultFlag) as CmsRecord['resultFlag'],
      resultCode: d.resultCode ?? '',
      passbookText: d.passbookText ?? '',
      fundType: d.fundType ?? '',
      reference: d.reference ?? '',
      checkFlag: d.checkFlag ?? '',
    })),
    trailer: { totalRecords: num(t.totalRecords), countRequested: num(t.countRequested), amountRequested: num(t.amountRequested), countFailed: num(t.countFailed), amountFailed: num(t.amountFailed), mac: t.mac ?? '' },
  };
  if (issues.length === 0) issues.push(...checkFile(file));
  if (issues.length) throw new CmsFormatError(issues);
  return file;
}

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
