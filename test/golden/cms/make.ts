/**
 * Writes the CMS golden files (run by hand: `node --import tsx test/golden/cms/make.ts`; the files
 * are committed and the tests compare against them, so a codec change that moves one byte shows
 * up as a failing test — the tests import `request.ts`, never this file, which would rewrite
 * them). Broken variants are a valid file with one deliberate defect. Results come in both forms
 * of cms.md: every item, and only the failed ones.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildResultFile, encodeCmsFile } from '../../../domain/cms/encode';
import { RECORD_BYTES } from '../../../domain/cms/fields';
import { goldenRequest } from './request';

const dir = import.meta.dirname;
const write = (name: string, bytes: Buffer) => writeFileSync(join(dir, name), bytes);
const request = encodeCmsFile(goldenRequest());
write('eb31-valid.bin', request);
const decide = (r: { account: string }) => (r.account.endsWith('0031') ? '0031' : '0000');
write('eb32-valid.bin', encodeCmsFile(buildResultFile(goldenRequest(), decide)));
const failuresOnly = encodeCmsFile(buildResultFile(goldenRequest(), decide, 'FAILURES_ONLY'));
write('eb32-failures-only.bin', failuresOnly);
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
const result = encodeCmsFile(buildResultFile(goldenRequest(), decide));
const flag = Buffer.from(result);
flag.write('Y', RECORD_BYTES * 3 + 68, 'latin1'); // paid flag with a failure code
write('broken-eb32-flag.bin', flag);
const failures = (name: string, at: number, bytes: string) => {
  const copy = Buffer.from(failuresOnly);
  Buffer.from(bytes, 'latin1').copy(copy, at);
  write(name, copy);
};
failures('broken-failures-unsent-serial.bin', RECORD_BYTES + 1, '00000007'); // lists an item never sent
failures('broken-failures-trailer.bin', RECORD_BYTES * 2 + 43, '0000000007201'); // totals another amount than it lists
// A request whose passbook text mixes Hangul and a Latin letter (한영혼용): 햇살A돌봄.
const mixed = Buffer.from(request);
Buffer.concat([Buffer.from([0xc7, 0xde, 0xbb, 0xec]), Buffer.from('A'), Buffer.from([0xb5, 0xb9, 0xba, 0xbd]), Buffer.from('       ')]).copy(mixed, RECORD_BYTES * 3 + 73);
write('broken-passbook-mixed.bin', mixed);
