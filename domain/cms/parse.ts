/**
 * Reading CMS files: `parseCmsFile` reports every problem it finds as a typed `CmsFormatError`
 * (never anything else), with the control totals recomputed and checked.
 */
import iconv from 'iconv-lite';
import { checkFile, type CmsFile, CmsFormatError, type CmsIssue, type CmsRecord, DATA_FIELDS, ENCODING, type FieldSpec, HEADER_FIELDS, RECORD_BYTES, TRAILER_FIELDS } from './fields';
import { isDoubleByteLead } from './text';

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
  // Text is padded with spaces, or (double-byte passbook text) with full-width spaces.
  return text.replace(/[ \u3000]+$/, '');
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
  // decodeRecord gives every field of its layout, so each one below is there.
  const kind = h.fileName!.slice(0, 4);
  if (kind !== 'EB31' && kind !== 'EB32') issues.push({ record: 0, field: 'fileName', code: 'FILE_NAME', message: `file name ${JSON.stringify(h.fileName)} is neither EB31MMDD nor EB32MMDD` });
  if (t.fileName !== h.fileName) issues.push({ record: split.length - 1, field: 'fileName', code: 'FILE_NAME', message: 'the trailer names another file than the header' });
  for (const [i, d] of data.entries()) if (d.originator !== h.originator) issues.push({ record: i + 1, field: 'originator', code: 'ORIGINATOR', message: 'the originator differs from the header' });
  if (t.originator !== h.originator) issues.push({ record: split.length - 1, field: 'originator', code: 'ORIGINATOR', message: 'the originator differs from the header' });
  const d6 = h.transferDate!;
  const file: CmsFile = {
    kind: kind === 'EB32' ? 'EB32' : 'EB31',
    header: { originator: h.originator!, fileName: h.fileName!, transferDate: `20${d6.slice(0, 2)}-${d6.slice(2, 4)}-${d6.slice(4, 6)}`, debitBankBranch: h.debitBankBranch!, debitAccount: h.debitAccount! },
    records: data.map((d) => ({
      serial: num(d.serial),
      bankBranch: d.bankBranch!,
      account: d.account!,
      amount: num(d.amount),
      businessNumber: d.businessNumber!,
      resultFlag: (d.resultFlag === '' ? ' ' : d.resultFlag) as CmsRecord['resultFlag'],
      resultCode: d.resultCode!,
      passbookText: d.passbookText!,
      fundType: d.fundType!,
      reference: d.reference!,
      checkFlag: d.checkFlag!,
    })),
    trailer: { totalRecords: num(t.totalRecords), countRequested: num(t.countRequested), amountRequested: num(t.amountRequested), mac: t.mac! },
  };
  if (issues.length === 0) issues.push(...checkFile(file));
  if (issues.length) throw new CmsFormatError(issues);
  return file;
}
