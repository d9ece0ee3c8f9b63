/**
 * Writes the CMS golden files (run once by hand: `node --import tsx test/golden/cms/make.ts`; the
 * files are committed and the tests compare against them, so a codec change that moves one byte
 * shows up as a failing test). Broken variants are the valid file with one deliberate defect.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRequestFile, buildResultFile, encodeCmsFile } from '../../../domain/cms/encode';
import { RECORD_BYTES } from '../../../domain/cms/fields';

const dir = import.meta.dirname;
export const goldenRequest = () =>
  buildRequestFile({
    originator: 'SSIS000001',
    transferDate: '2026-03-13',
    debitBankBranch: '0880001',
    debitAccount: '10012345678',
    items: [
      { bankCode: '004', account: '12345678901234', amount: 100_000, businessNumber: '1234567891', passbookText: '행복심리상담센터바우처', reference: 'T2603130001' },
      { bankCode: '088', account: '110234567890', amount: 36_000, businessNumber: '2208162517', passbookText: 'VOUCHER 2603-1', reference: 'T2603130002' },
      { bankCode: '020', account: '1002003000031', amount: 7_200, businessNumber: '1048100512', passbookText: '햇살A돌봄', reference: 'T2603130003' },
    ],
  });

const write = (name: string, bytes: Buffer) => writeFileSync(join(dir, name), bytes);
const request = encodeCmsFile(goldenRequest());
write('eb31-valid.bin', request);
write('eb32-valid.bin', encodeCmsFile(buildResultFile(goldenRequest(), (r) => (r.account.endsWith('0031') ? '0031' : '0000'))));
write('eb31-crlf.bin', Buffer.concat(Array.from({ length: request.length / RECORD_BYTES }, (_, i) => Buffer.concat([request.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES), Buffer.from('\r\n')]))));

const mutate = (name: string, at: number, bytes: string | number[]) => {
  const copy = Buffer.from(request);
  (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).copy(copy, at);
  write(name, copy);
};
const trailer = RECORD_BYTES * 4;
mutate('broken-trailer-amount.bin', trailer + 43, '0000000143201'); // one won more than the records
mutate('broken-serial.bin', RECORD_BYTES * 2 + 1, '00000003');
mutate('broken-amount-not-numeric.bin', RECORD_BYTES + 42, '00000001000O0');
mutate('broken-split-hangul.bin', RECORD_BYTES * 3 + 73, [0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xc8]);
mutate('broken-record-type.bin', RECORD_BYTES * 2, 'X');
write('broken-short.bin', request.subarray(0, request.length - 1));
write('broken-no-trailer.bin', request.subarray(0, trailer));
const result = encodeCmsFile(buildResultFile(goldenRequest(), (r) => (r.account.endsWith('0031') ? '0031' : '0000')));
const flag = Buffer.from(result);
flag.write('Y', RECORD_BYTES * 3 + 68, 'latin1'); // paid flag with a failure code
write('broken-eb32-flag.bin', flag);
