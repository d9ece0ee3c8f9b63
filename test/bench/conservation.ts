/**
 * Conservation report benchmark (part of `npm run bench`): PO-08 reads maintained totals, so its
 * cost follows the number of municipality × program totals, not the number of payments.
 *
 * 1. Through the real path: 20,000 vouchers written to the table across 250 municipalities × 10
 *    programs; the table stream's consumer adds them to the totals; the report is read.
 * 2. At national volume: what 1,000,000 payments add (each municipality × program's payments,
 *    their vouchers and their buckets) goes through the same store, spread over every shard as a
 *    month of stream batches leaves it; the report is read again.
 *
 * It prints the consumer's rate, the report's latency (median and slowest of 5 reads) at each
 * size and their ratio, against the target: ≤ 3 s at 1,000,000 payments.
 */
export {};

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';
process.env.JAVA_TOOL_OPTIONS ??= '-Xmx1g -XX:+UseSerialGC';

const MUNICIPALITIES = 250;
const PROGRAMS = 10;
const VOUCHERS = 20_000;
const PAYMENTS = 1_000_000;
const TARGET_MS = 3_000;
const GRANT = 144_000;
const AMOUNT = 36_000;

const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
const { LocalStack, TABLE_NAME } = await import('../../infra/local/stack');
const { dynamoTable } = await import('../../functions/shared/dynamo/client');
const { keys, TOTALS_SHARDS } = await import('../../functions/shared/dynamo/keys');
const { DynamoTotalsStore } = await import('../../functions/shared/dynamo/totals-store');
const { mapConcurrent } = await import('../../domain/shared/concurrency');
const { Progress } = await import('./progress');

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const municipality = (i: number) => String(11_000 + i);
const program = (i: number) => `PROG${String(i).padStart(2, '0')}`;

console.log(`conservation bench: ${MUNICIPALITIES} municipalities × ${PROGRAMS} programs; ${fmt(VOUCHERS)} vouchers through the stream, then ${fmt(PAYMENTS)} payments' totals`);
const stack = await LocalStack.start({ port: 0, onError: (m, e) => console.error(m, String(e)) });
try {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const agency = (await call('POST', '/_local/token', { role: 'agency' })).body.token;
  const report = async () => {
    const times: number[] = [];
    let body: any;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await call('GET', '/v1/reports/conservation', undefined, agency);
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`report answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      body = res.body;
    }
    times.sort((a, b) => a - b);
    return { p50: times[2]!, max: times[4]!, body };
  };

  // 1. Vouchers written as voucher generation writes them; the stream consumer adds them up.
  const table = dynamoTable();
  const progress = new Progress('vouchers written', VOUCHERS);
  const started = performance.now();
  const chunks = Array.from({ length: VOUCHERS / 25 }, (_, c) => Array.from({ length: 25 }, (_, j) => c * 25 + j));
  await mapConcurrent(chunks, 8, async (chunk) => {
    await table.doc.send(new BatchWriteCommand({
      RequestItems: {
        [TABLE_NAME]: chunk.map((n) => ({
          PutRequest: {
            Item: {
              ...keys.voucher(`BR${String(n).padStart(7, '0')}`, '2026-03', '110101'), type: 'Voucher', recipientId: `BR${n}`, month: '2026-03', serviceCode: '110101',
              municipalityCode: municipality(n % MUNICIPALITIES), programCode: program(Math.floor(n / MUNICIPALITIES) % PROGRAMS), grantedAmount: GRANT, remainingAmount: GRANT, version: 0,
            },
          },
        })),
      },
    }));
    progress.add(chunk.length);
  });
  progress.done();
  const drained = await call('POST', '/_local/drain', { timeoutSeconds: 600 });
  if (!drained.body.drained) throw new Error(`the stream was not read in time: ${JSON.stringify(drained.body)}`);
  const consumed = (performance.now() - started) / 1000;
  const small = await report();

  // 2. A month of 1,000,000 payments across the same municipality × program totals: every shard holds
  //    its share, as the stream's batches leave it (each batch's group lands on one shard).
  const store = new DynamoTotalsStore(table, () => Math.floor(Date.now() / 1000));
  const pairs = MUNICIPALITIES * PROGRAMS;
  const perChange = PAYMENTS / pairs / TOTALS_SHARDS;
  const changes = Array.from({ length: pairs * TOTALS_SHARDS }, (_, n) => {
    const pair = n % pairs;
    const vouchers = perChange / 4; // four sessions of 36,000 use a 144,000 voucher
    return {
      changeId: `bench-month-${n}`,
      deltas: [{
        municipalityCode: municipality(pair % MUNICIPALITIES), programCode: program(Math.floor(pair / MUNICIPALITIES)),
        voucherGranted: vouchers * GRANT, voucherRemaining: 0, paymentsApproved: perChange * AMOUNT, bucket: { approved: perChange * AMOUNT },
      }],
    };
  });
  const monthProgress = new Progress('payments added', PAYMENTS);
  // Group the changes by the shard the store will choose, so every municipality × program is in every shard.
  await mapConcurrent(Array.from({ length: changes.length / 40 }, (_, g) => changes.slice(g * 40, g * 40 + 40)), 4, async (group) => {
    await store.applyOnce(group);
    monthProgress.add(group.length * perChange);
  });
  monthProgress.done();
  const large = await report();

  const totalsItems = large.body.checked.municipalityPrograms;
  console.log('');
  console.log(`${'size'.padEnd(28)}${'totals rows'.padStart(12)}${'report p50 ms'.padStart(15)}${'max ms'.padStart(10)}${'balanced'.padStart(10)}`);
  console.log(`${`${fmt(VOUCHERS)} vouchers`.padEnd(28)}${fmt(small.body.checked.municipalityPrograms).padStart(12)}${fmt(small.p50).padStart(15)}${fmt(small.max).padStart(10)}${String(small.body.balanced).padStart(10)}`);
  console.log(`${`+ ${fmt(PAYMENTS)} payments`.padEnd(28)}${fmt(totalsItems).padStart(12)}${fmt(large.p50).padStart(15)}${fmt(large.max).padStart(10)}${String(large.body.balanced).padStart(10)}`);
  console.log('');
  console.log(`stream consumer: ${fmt(VOUCHERS)} voucher records added to the totals in ${fmt(consumed, 1)} s (${fmt(VOUCHERS / consumed)}/s, writing included)`);
  console.log(`report at ${fmt(PAYMENTS)} payments: x${fmt(large.p50 / small.p50, 2)} of the report at ${fmt(VOUCHERS)} vouchers; slowest ${fmt(large.max)} ms, target ≤ ${fmt(TARGET_MS)} ms: ${large.max <= TARGET_MS ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ vouchers: VOUCHERS, payments: PAYMENTS, pairs, shards: TOTALS_SHARDS, consumedSeconds: consumed, small: { p50: small.p50, max: small.max }, large: { p50: large.p50, max: large.max, approved: large.body.totals.approved, balanced: large.body.balanced } }));
} finally {
  await stack.stop();
}
