/**
 * CMS codec (cms.md, CMS-01/03) in the style of moov-io/ach: golden files, valid and deliberately
 * broken; a round-trip property; a fuzz test that feeds random and mutated bytes to the parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildRequestFile, buildResultFile, encodeCmsFile, type TransferItem } from '../../../domain/cms/encode';
import { checkFile } from '../../../domain/cms/fields';
import { CmsFormatError, DATA_FIELDS, HEADER_FIELDS, RECORD_BYTES, TRAILER_FIELDS } from '../../../domain/cms/fields';
import { parseCmsFile } from '../../../domain/cms/parse';
import { outcomesOf, reconcile, resultForm } from '../../../domain/cms/reconcile';
import { fitText, passbookText } from '../../../domain/cms/text';
import { goldenRequest } from '../../golden/cms/request';

const golden = (name: string) => readFileSync(join(import.meta.dirname, '../../golden/cms', name));
const issuesOf = (bytes: Uint8Array) => {
  try {
    parseCmsFile(bytes);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(CmsFormatError);
    return (error as CmsFormatError).issues;
  }
};

describe('layout', () => {
  it('every record layout covers exactly 150 bytes, field after field', () => {
    for (const spec of [HEADER_FIELDS, DATA_FIELDS, TRAILER_FIELDS]) {
      let at = 0;
      for (const field of spec) {
        expect(field.offset, field.name).toBe(at);
        at += field.length;
      }
      expect(at).toBe(RECORD_BYTES);
    }
  });
});

describe('golden files', () => {
  it('CMS-01 the encoder writes the golden request byte for byte', () => {
    expect(encodeCmsFile(goldenRequest()).equals(golden('eb31-valid.bin'))).toBe(true);
  });

  it('CMS-01 header, data and trailer are where cms.md puts them (hand-checked bytes)', () => {
    const bytes = golden('eb31-valid.bin');
    expect(bytes.length).toBe(5 * RECORD_BYTES);
    expect(bytes.subarray(0, 56).toString('latin1')).toBe('H00000000SSIS000001EB3103132603130880001' + '10012345678     ');
    expect(bytes.subarray(56, 150).toString('latin1')).toBe(' '.repeat(94));
    const r1 = bytes.subarray(150, 300);
    expect(r1.subarray(0, 73).toString('latin1')).toBe('R00000001SSIS000001' + '0040000' + '12345678901234  ' + '0000000100000' + '1234567891   ' + ' ' + '    ');
    // 16 bytes of passbook text: 8 Hangul syllables, the rest of the name cut at a character boundary.
    expect(iconv.decode(r1.subarray(73, 89), 'cp949')).toBe('행복심리상담센터');
    expect([...r1.subarray(73, 75)]).toEqual([0xc7, 0xe0]); // 행
    // Fund type blank (cms.md: spaces unless the relay assigns a code).
    expect(r1.subarray(89, 116).toString('latin1')).toBe('  ' + 'T2603130001'.padEnd(25));
    // ASCII passbook text is padded with spaces; a Hangul one with full-width spaces (0xA1A1), its Latin letter dropped.
    expect(bytes.subarray(300 + 73, 300 + 89).toString('latin1')).toBe('VOUCHER 2603-1  ');
    const r3 = bytes.subarray(450, 600);
    expect(iconv.decode(r3.subarray(73, 81), 'cp949')).toBe('햇살돌봄');
    expect([...r3.subarray(81, 89)]).toEqual([0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1, 0xa1]);
    const t = bytes.subarray(600, 750).toString('latin1');
    // The request trailer's filler and MAC are spaces.
    expect(t).toBe('T99999999SSIS000001EB310313' + '00000003' + '00000003' + '0000000143200' + ' '.repeat(84) + ' '.repeat(10));
  });

  it('a valid request and its result parse, with the totals checked', () => {
    const request = parseCmsFile(golden('eb31-valid.bin'));
    expect(request).toMatchObject({ kind: 'EB31', header: { fileName: 'EB310313', transferDate: '2026-03-13' }, trailer: { totalRecords: 3, amountRequested: 143_200 } });
    expect(request.records[2]).toMatchObject({ serial: 3, bankBranch: '0200000', account: '1002003000031', amount: 7_200, passbookText: '햇살돌봄', fundType: '', reference: 'T2603130003', resultFlag: ' ' });
    const result = parseCmsFile(golden('eb32-valid.bin'));
    expect(result).toMatchObject({ kind: 'EB32', header: { fileName: 'EB320313' }, trailer: { totalRecords: 3, countRequested: 3, amountRequested: 143_200 } });
    expect(result.records.map((r) => [r.resultFlag, r.resultCode])).toEqual([['Y', '0000'], ['Y', '0000'], ['N', '0031']]);
    expect(reconcile(request, result)).toEqual([]);
    expect(resultForm(result)).toBe('EVERY_ITEM');
  });

  it('CMS-03 a result of the failed items only: its serials are the sent ones, its trailer totals what it lists, the others were paid', () => {
    const request = parseCmsFile(golden('eb31-valid.bin'));
    const result = parseCmsFile(golden('eb32-failures-only.bin'));
    expect(result).toMatchObject({ kind: 'EB32', records: [{ serial: 3, resultFlag: 'N', resultCode: '0031', amount: 7_200 }], trailer: { totalRecords: 1, countRequested: 1, amountRequested: 7_200 } });
    expect(reconcile(request, result)).toEqual([]);
    expect(resultForm(result)).toBe('FAILURES_ONLY');
    expect(outcomesOf(request, { kind: 'file', file: result }).map((o) => [o.reference, o.paid, o.resultCode])).toEqual([['T2603130001', true, '0000'], ['T2603130002', true, '0000'], ['T2603130003', false, '0031']]);
    // "불능 0건": the relay's answer that nothing failed pays every item.
    expect(outcomesOf(request, { kind: 'no-failures' }).every((o) => o.paid)).toBe(true);
  });

  it('CMS-03 a failures-only result listing an item never sent, or totalling another amount, is flagged', () => {
    const request = parseCmsFile(golden('eb31-valid.bin'));
    expect(reconcile(request, parseCmsFile(golden('broken-failures-unsent-serial.bin'))).map((i) => i.code)).toContain('UNKNOWN_SERIAL');
    expect(issuesOf(golden('broken-failures-trailer.bin'))).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'CONTROL_TOTAL', field: 'amountRequested' })]));
  });

  it('cms.md passbook text: a request mixing Hangul and Latin letters is refused; names are written so that they never do', () => {
    expect(issuesOf(golden('broken-passbook-mixed.bin'))).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'PASSBOOK_TEXT', field: 'passbookText', record: 3 })]));
    expect(passbookText('바우처 제공비용 2026')).toBe('바우처제공비용２');
    expect(passbookText('Voucher 2603-1')).toBe('Voucher 2603-1');
    expect(passbookText('(주)행복Care')).toBe('주행복');
  });

  it('accepts CR/LF between records, as some relays add them', () => {
    expect(parseCmsFile(golden('eb31-crlf.bin'))).toEqual(parseCmsFile(golden('eb31-valid.bin')));
  });

  it.each([
    ['broken-trailer-amount.bin', 'CONTROL_TOTAL', 'amountRequested'],
    ['broken-serial.bin', 'SERIAL', 'serial'],
    ['broken-amount-not-numeric.bin', 'NUMERIC_FIELD', 'amount'],
    ['broken-split-hangul.bin', 'SPLIT_CHARACTER', 'passbookText'],
    ['broken-record-type.bin', 'STRUCTURE', 'recordType'],
    ['broken-short.bin', 'RECORD_LENGTH', 'record'],
    ['broken-no-trailer.bin', 'STRUCTURE', 'recordType'],
    ['broken-eb32-flag.bin', 'RESULT_FLAG', 'resultFlag'],
  ])('refuses %s with %s on %s', (file, code, field) => {
    expect(issuesOf(golden(file))).toEqual(expect.arrayContaining([expect.objectContaining({ code, field })]));
  });
});

describe('encoder refusals', () => {
  const base = goldenRequest();
  it('refuses what it cannot write exactly, with the record and field', () => {
    const tooLong = { ...base, records: base.records.map((r, i) => (i === 0 ? { ...r, reference: 'X'.repeat(26) } : r)) };
    expect(() => encodeCmsFile(tooLong)).toThrow(CmsFormatError);
    expect(() => encodeCmsFile({ ...base, records: base.records.map((r) => ({ ...r, amount: 10 ** 13 })), trailer: { ...base.trailer, amountRequested: 3 * 10 ** 13 } })).toThrow(/amount/);
    expect(() => encodeCmsFile({ ...base, records: base.records.map((r, i) => (i === 1 ? { ...r, passbookText: '😀' } : r)) })).toThrow(/CP949 cannot write/);
    expect(() => encodeCmsFile({ ...base, trailer: { ...base.trailer, countRequested: 4 } })).toThrow(/countRequested/);
  });

  it('cuts Hangul at a character boundary, never inside a 2-byte character', () => {
    expect(fitText('가나다라마바사아자', 16)).toBe('가나다라마바사아');
    expect(fitText('A가나다라마바사아', 16)).toBe('A가나다라마바사');
  });
});

describe('CMS-03 a result record\'s code', () => {
  it('a result carries a 4-digit code whose flag agrees (checked without relying on the fuzz test to find it)', () => {
    const result = buildResultFile(goldenRequest(), () => '0000');
    const codesOf = (change: (r: (typeof result.records)[number]) => void) => {
      const copy = structuredClone(result);
      change(copy.records[0]!);
      return checkFile(copy).map((i) => `${i.code}:${i.field}`);
    };
    expect(codesOf(() => {})).toEqual([]);
    expect(codesOf((r) => (r.resultCode = '12'))).toContain('RESULT_CODE:resultCode');
    expect(codesOf((r) => (r.resultFlag = 'N'))).toContain('RESULT_FLAG:resultFlag');
  });
});

describe('CMS-03 reconciliation', () => {
  it('a tampered result is rejected whole: another amount, serial or reference', () => {
    const request = goldenRequest();
    const result = buildResultFile(request, () => '0000');
    expect(reconcile(request, { ...result, records: result.records.map((r, i) => (i === 1 ? { ...r, amount: r.amount + 1 } : r)) })).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'ITEM_MISMATCH', field: 'amount' })]));
    expect(reconcile(request, { ...result, records: result.records.map((r, i) => (i === 2 ? { ...r, reference: 'T9999' } : r)) })).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'reference' })]));
    expect(reconcile(request, { ...result, records: result.records.slice(0, 2) })).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'COUNT_MISMATCH' })]));
    expect(reconcile(request, request)).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'NOT_A_RESULT' })]));
  });
});

const hangul = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((c) => String.fromCharCode(c)).filter((c) => iconv.decode(iconv.encode(c, 'cp949'), 'cp949') === c);
const word = fc.array(fc.oneof(hangul, fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''))), { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
const item: fc.Arbitrary<TransferItem> = fc.record({
  bankCode: fc.constantFrom('004', '088', '020', '011', '081'),
  account: fc.stringMatching(/^\d{6,16}$/),
  amount: fc.integer({ min: 1, max: 9_999_999_999 }),
  businessNumber: fc.stringMatching(/^\d{10}$/),
  passbookText: word,
  reference: fc.stringMatching(/^[A-Z0-9-]{1,25}$/),
});

describe('round trip', () => {
  it('CMS-01 build → encode → parse → encode is byte-identical, and parse gives back what was built', () => {
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 28 }), fc.constantFrom('REQUEST', 'EVERY_ITEM', 'FAILURES_ONLY') , (items, day, form) => {
      const request = buildRequestFile({ originator: 'SSIS000001', transferDate: `2026-03-${String(day).padStart(2, '0')}`, debitBankBranch: '0880001', debitAccount: '10012345678', items });
      const file = form === 'REQUEST' ? request : buildResultFile(request, (r) => (r.amount % 7 === 0 ? '0012' : '0000'), form);
      const bytes = encodeCmsFile(file);
      expect(bytes.length).toBe((file.records.length + 2) * RECORD_BYTES);
      if (form !== 'REQUEST') expect(reconcile(request, parseCmsFile(bytes))).toEqual([]);
      const parsed = parseCmsFile(bytes);
      expect(parsed).toEqual(file);
      expect(encodeCmsFile(parsed).equals(bytes)).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('fuzz', () => {
  const valid = golden('eb32-valid.bin');
  const parseOrFormatError = (bytes: Uint8Array) => {
    try {
      parseCmsFile(bytes);
    } catch (error) {
      if (!(error instanceof CmsFormatError)) throw error;
      expect(error.issues.length).toBeGreaterThan(0);
    }
  };

  it('random bytes only ever give a CmsFormatError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => parseOrFormatError(bytes)), { numRuns: 2000 });
  });

  it('mutated valid files (flipped, inserted, deleted bytes) parse or give a CmsFormatError, never anything else', () => {
    const mutation = fc.array(fc.record({ kind: fc.constantFrom('flip', 'insert', 'delete'), at: fc.nat({ max: valid.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(mutation, (ms) => {
      let bytes = Buffer.from(valid);
      for (const m of ms) {
        const at = Math.min(m.at, Math.max(0, bytes.length - 1));
        if (m.kind === 'flip') bytes[at] = m.byte;
        else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
        else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      }
      parseOrFormatError(bytes);
    }), { numRuns: 3000 });
  });
});

describe('CMS-03 reconciliation, every mismatch', () => {
  const request = parseCmsFile(golden('eb31-valid.bin'));
  const result = parseCmsFile(golden('eb32-valid.bin'));
  const codes = (r: typeof result) => reconcile(request, r).map((i) => i.code);

  it('CMS-03 a result for another file, another originator, another total, or an item never sent is flagged', () => {
    expect(codes({ ...result, header: { ...result.header, fileName: 'EB320101', transferDate: '2026-01-01' } })).toContain('OTHER_FILE');
    expect(codes({ ...result, header: { ...result.header, originator: 'OTHER00001' } })).toContain('ORIGINATOR');
    expect(codes({ ...result, trailer: { ...result.trailer, amountRequested: result.trailer.amountRequested + 1 } })).toContain('AMOUNT_MISMATCH');
    expect(codes({ ...result, records: result.records.map((r, i) => (i === 0 ? { ...r, serial: 99 } : r)) })).toContain('UNKNOWN_SERIAL');
  });
});

describe('CMS-01 the encoder refuses what it cannot write exactly', () => {
  const issues = (change: (file: ReturnType<typeof goldenRequest>) => void) => {
    const file = goldenRequest();
    change(file);
    try {
      encodeCmsFile(file);
      return [];
    } catch (error) {
      return (error as CmsFormatError).issues.map((i) => `${i.code}:${i.field}`);
    }
  };

  it('a number that is negative, fractional, too long or not digits', () => {
    expect(issues((f) => (f.records[0]!.amount = -1))).toEqual(expect.arrayContaining(['NUMERIC_FIELD:amount']));
    expect(issues((f) => (f.records[0]!.amount = 1.5))).toEqual(expect.arrayContaining(['NUMERIC_FIELD:amount']));
    expect(issues((f) => (f.records[0]!.bankBranch = '00400001'))).toEqual(expect.arrayContaining(['NUMERIC_FIELD:bankBranch']));
    expect(issues((f) => (f.records[0]!.bankBranch = '004000A'))).toEqual(expect.arrayContaining(['NUMERIC_FIELD:bankBranch']));
  });

  it('text CP949 cannot write, a control character, or text too long for its field (only the passbook text may be cut)', () => {
    expect(issues((f) => (f.records[0]!.reference = 'T😀'))).toEqual(expect.arrayContaining(['UNENCODABLE:reference']));
    expect(issues((f) => (f.records[0]!.reference = 'T\u0001'))).toEqual(expect.arrayContaining(['UNENCODABLE:reference']));
    expect(issues((f) => (f.records[0]!.reference = 'T'.repeat(26)))).toEqual(expect.arrayContaining(['TOO_LONG:reference']));
    expect(issues((f) => (f.records[0]!.passbookText = '바우처제공비용지급안내입니다'))).toEqual([]);
    // cms.md: never Hangul with single-byte characters (a space, a Latin letter) in one passbook text.
    expect(issues((f) => (f.records[0]!.passbookText = '바우처 제공비용'))).toEqual(['PASSBOOK_TEXT:passbookText']);
  });

  it('a transfer date that is not a date', () => {
    expect(issues((f) => Object.assign(f.header, { transferDate: '2026-02-30', fileName: 'EB310230' }))).toEqual(expect.arrayContaining(['INVALID_DATE:transferDate']));
  });

  it('CMS-01 a file named for another date, and a request that carries a result (checked without relying on the fuzz test to find them)', () => {
    expect(issues((f) => (f.header.fileName = 'EB310314'))).toEqual(expect.arrayContaining(['FILE_NAME:fileName']));
    expect(issues((f) => Object.assign(f.records[0]!, { resultFlag: 'Y', resultCode: '0000' }))).toEqual(expect.arrayContaining(['RESULT_IN_REQUEST:resultFlag']));
  });

  it('a three-digit bank code gets the unknown branch 0000; a seven-digit bank-branch is kept', () => {
    const item: TransferItem = { bankCode: '004', account: '12345678901234', amount: 1000, businessNumber: '1234567891', passbookText: '바우처', reference: 'T1' };
    const built = buildRequestFile({ originator: 'SSIS000001', transferDate: '2026-03-13', debitBankBranch: '0880001', debitAccount: '10012345678', items: [item, { ...item, bankCode: '0041234', reference: 'T2' }] });
    expect(built.records.map((r) => r.bankBranch)).toEqual(['0040000', '0041234']);
  });
});
