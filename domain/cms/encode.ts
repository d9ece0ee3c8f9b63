/**
 * Writing CMS files: `encodeCmsFile` refuses what it cannot write exactly; the request and result
 * files are built with their control totals computed.
 */
import { checkFile, type CmsFile, CmsFormatError, type CmsIssue, type CmsRecord, DATA_FIELDS, type FieldSpec, HEADER_FIELDS, RECORD_BYTES, totalsOf, TRAILER_FIELDS } from './fields';
import { encodeText, padPassbookText, passbookText } from './text';

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
      // cms.md: double-byte passbook text is padded with full-width spaces, everything else with spaces.
      const text = encodeText(field.name === 'passbookText' ? padPassbookText(String(value), field.length) : String(value), field.length);
      if (text.unencodable !== null) issues.push({ record, field: field.name, code: 'UNENCODABLE', message: `${field.name} has a character CP949 cannot write (U+${text.unencodable.codePointAt(0)!.toString(16).toUpperCase()})` });
      else if (text.cut && !cutFields.includes(field.name)) issues.push({ record, field: field.name, code: 'TOO_LONG', message: `${field.name} is longer than ${field.length} bytes` });
      text.bytes.copy(buf, field.offset);
    }
  }
  return buf;
}

const yymmdd = (date: string) => `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;

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

/** An EB31 request for a transfer date: serials from 1, the passbook text as cms.md allows it, fund type blank, totals computed. */
export function buildRequestFile(input: { originator: string; transferDate: string; debitBankBranch: string; debitAccount: string; items: readonly TransferItem[]; mac?: string }): CmsFile {
  const records: CmsRecord[] = input.items.map((item, i) => ({
    serial: i + 1,
    bankBranch: item.bankCode.length === 3 ? `${item.bankCode}0000` : item.bankCode,
    account: item.account,
    amount: item.amount,
    businessNumber: item.businessNumber,
    resultFlag: ' ',
    resultCode: '',
    passbookText: passbookText(item.passbookText, 16),
    fundType: '',
    reference: item.reference,
    checkFlag: '',
  }));
  return {
    kind: 'EB31',
    header: { originator: input.originator, fileName: `EB31${input.transferDate.slice(5, 7)}${input.transferDate.slice(8, 10)}`, transferDate: input.transferDate, debitBankBranch: input.debitBankBranch, debitAccount: input.debitAccount },
    records,
    trailer: { ...totalsOf(records), mac: input.mac ?? '' },
  };
}

/** The two forms a relay sends results in (cms.md "Result file"). */
export type ResultForm = 'EVERY_ITEM' | 'FAILURES_ONLY';

/**
 * The EB32 result of a request: each record's flag and code from `decide`; every item, or (EB22
 * practice) only the failed ones with their serials, the trailer totalling what is listed. A
 * failures-only result with nothing failed has no records: the relay then sends no file.
 */
export function buildResultFile(request: CmsFile, decide: (record: CmsRecord) => string, form: ResultForm = 'EVERY_ITEM'): CmsFile {
  const decided = request.records.map((r) => {
    const code = decide(r);
    return { ...r, resultFlag: code === '0000' ? ('Y' as const) : ('N' as const), resultCode: code };
  });
  const records = form === 'EVERY_ITEM' ? decided : decided.filter((r) => r.resultFlag === 'N');
  return { kind: 'EB32', header: { ...request.header, fileName: `EB32${request.header.fileName.slice(4)}` }, records, trailer: { ...totalsOf(records), mac: request.trailer.mac } };
}
