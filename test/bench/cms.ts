/**
 * CMS codec benchmark (part of `npm run bench`): encode and parse an EB31 file of 100,000
 * records, against a baseline measured in the same run: the same bytes produced as one ASCII
 * string (no per-field checks, no CP949), the floor of any fixed-width writer in Node.
 */
import { buildRequestFile, encodeCmsFile } from '../../domain/cms/encode';
import { RECORD_BYTES } from '../../domain/cms/fields';
import { parseCmsFile } from '../../domain/cms/parse';

const RECORDS = Number(process.env.BENCH_CMS_RECORDS ?? 100_000);
const names = ['행복심리상담센터', '햇살돌봄', 'VOUCHER CARE', '푸른언어치료', '한빛재활'];
const items = Array.from({ length: RECORDS }, (_, i) => ({
  bankCode: ['004', '088', '020', '011'][i % 4]!,
  account: String(100_000_000_000 + i * 7),
  amount: 36_000 + (i % 100) * 100,
  businessNumber: String(1_000_000_000 + i),
  passbookText: names[i % names.length]!,
  reference: `T260313${String(i).padStart(8, '0')}`,
}));

const time = <T>(fn: () => T): { ms: number; value: T } => {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
};

const file = buildRequestFile({ originator: 'SSIS000001', transferDate: '2026-03-13', debitBankBranch: '0880001', debitAccount: '10012345678', items });
encodeCmsFile(buildRequestFile({ originator: 'SSIS000001', transferDate: '2026-03-13', debitBankBranch: '0880001', debitAccount: '10012345678', items: items.slice(0, 1000) })); // warm-up
const baseline = time(() => Buffer.from(items.map((it, i) => `R${String(i + 1).padStart(8, '0')}SSIS000001${it.bankCode}0000${it.account.padEnd(16)}${String(it.amount).padStart(13, '0')}${it.businessNumber.padEnd(13)}     ${'X'.repeat(16)}VC${it.reference.padEnd(25)}${' '.repeat(34)}`).join(''), 'latin1'));
const encoded = time(() => encodeCmsFile(file));
const parsed = time(() => parseCmsFile(encoded.value));
if (parsed.value.records.length !== RECORDS || encoded.value.length !== (RECORDS + 2) * RECORD_BYTES) throw new Error('round trip lost records');
const mb = encoded.value.length / 1e6;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`cms bench: EB31 with ${fmt(RECORDS)} records (${fmt(mb, 1)} MB)`);
console.log(`baseline ASCII build (no checks)   ${fmt(baseline.ms)} ms`);
console.log(`encode (CP949, checked)            ${fmt(encoded.ms)} ms  ${fmt(mb / (encoded.ms / 1000), 1)} MB/s  x${fmt(encoded.ms / baseline.ms, 1)} baseline`);
console.log(`parse (CP949, validated, totals)   ${fmt(parsed.ms)} ms  ${fmt(mb / (parsed.ms / 1000), 1)} MB/s  x${fmt(parsed.ms / baseline.ms, 1)} baseline`);
console.log(JSON.stringify({ records: RECORDS, bytes: encoded.value.length, baselineMs: baseline.ms, encodeMs: encoded.ms, parseMs: parsed.ms }));
