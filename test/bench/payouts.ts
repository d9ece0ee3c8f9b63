/**
 * Payout benchmark (part of `npm run bench`): a regular payout run over a cycle of 100,000
 * payments across 1,000 providers, compared in the same run with a cycle of 10,000 payments across
 * the same providers. It prints the items read, the requests made and the time of each run, and
 * their ratios: the run reads day buckets (provider × program × municipality × day), so its cost
 * follows the number of providers and days, not the number of payments.
 *
 * The buckets are written as the settlement ledger leaves them (`approved` = payments × 36,000),
 * rather than through 110,000 payments, which would take this machine minutes to take. The
 * ledger's own path is covered by the payout and conservation tests.
 */
export {};

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';
process.env.JAVA_TOOL_OPTIONS ??= '-Xmx1g -XX:+UseSerialGC';

const PROVIDERS = Number(process.env.BENCH_PROVIDERS ?? 1000);
const DAYS = 10;
const PER_BUCKET_LARGE = Number(process.env.BENCH_PAYMENTS_PER_BUCKET ?? 10); // 1,000 × 10 days × 10 = 100,000 payments
const AMOUNT = 36_000;

const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
const { LocalStack, TABLE_NAME } = await import('../../infra/local/stack');
const { dynamoTable } = await import('../../functions/shared/dynamo/client');
const { keys, gsi2 } = await import('../../functions/shared/dynamo/keys');
const { mapConcurrent } = await import('../../domain/shared/concurrency');
const { businessNumber, importDocument } = await import('../support/fixtures');

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`payout bench: ${PROVIDERS} providers, ${DAYS} days per cycle, ${PER_BUCKET_LARGE} payments per provider-day in the large cycle, 1 in the small one`);
const stack = await LocalStack.start({ port: 0, onError: (m, e) => console.error(m, String(e)) });
try {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as any };
  };
  await call('POST', '/_local/clock', { now: '2026-03-01T09:00:00+09:00' });
  const agency = (await call('POST', '/_local/token', { role: 'agency' })).body.token;
  const city = (await call('POST', '/_local/token', { role: 'municipality', municipalityCode: '44130' })).body.token;
  const base = importDocument(1);
  const providers = Array.from({ length: PROVIDERS }, (_, i) => {
    const id = `BP${String(i).padStart(5, '0')}`;
    return { providerId: id, businessNumber: businessNumber(String(300_000_000 + i)), name: `기관${i}`, accounts: [{ programCode: 'COMMUNITY', bankCode: '004', accountNumber: `1000${String(i).padStart(8, '0')}`, holder: `기관${i}` }] };
  });
  const imported = await call('POST', '/v1/admin/import', { programs: base.programs, providers }, agency);
  if (imported.body.rejected?.length) throw new Error(JSON.stringify(imported.body.rejected.slice(0, 3)));
  await call('POST', '/v1/deposits', { municipalityCode: '44130', programCode: 'COMMUNITY', amount: 100_000_000_000, depositedAt: '2026-03-01T09:00:00+09:00' }, city);

  // The ledger as payments leave it: one bucket per provider and day.
  const { doc } = dynamoTable();
  const seed = async (firstDay: number, perBucket: number) => {
    const items = providers.flatMap((p) => Array.from({ length: DAYS }, (_, d) => {
      const day = `2026-03-${String(firstDay + d).padStart(2, '0')}`;
      return {
        ...keys.bucket(p.providerId, 'COMMUNITY', day, '44130'), ...gsi2.openBucket(p.providerId, 'COMMUNITY', day, '44130'),
        type: 'LedgerBucket', providerId: p.providerId, programCode: 'COMMUNITY', municipalityCode: '44130', day, version: perBucket,
        approved: perBucket * AMOUNT, cancelled: 0, held: 0, released: 0, denied: 0, recovered: 0, claims: 0, settled: 0,
      };
    }));
    const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
    await mapConcurrent(chunks, 8, async (chunk) => {
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE_NAME]: pending } }));
        pending = (out.UnprocessedItems?.[TABLE_NAME] ?? []) as typeof pending;
      }
    });
    return items.length;
  };
  const seeded = Date.now();
  const largeBuckets = await seed(1, PER_BUCKET_LARGE);
  const smallBuckets = await seed(11, 1);
  console.log(`setup: ${fmt(largeBuckets + smallBuckets)} day buckets for ${fmt(largeBuckets * PER_BUCKET_LARGE + smallBuckets)} payments in ${fmt((Date.now() - seeded) / 1000, 1)} s`);

  // Count what the payout functions read: every response of the shared document client.
  const counts = { requests: 0, items: 0 };
  doc.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const o = (out?.output ?? {}) as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
      counts.requests++;
      counts.items += (o.Items?.length ?? 0) + (o.Item ? 1 : 0) + Object.values(o.Responses ?? {}).reduce((n, r) => n + r.length, 0);
      return out;
    },
    { step: 'initialize', name: 'benchReadCounter' },
  );

  const run = async (clock: string, runId: string) => {
    await call('POST', '/_local/clock', { now: clock });
    // The jump fires the schedules it passes (the ad-hoc run of the day before, CMS jobs) on the
    // local scheduler's next tick: let them finish first, so that only the measured run is counted.
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.drain(120_000);
    const before = { ...counts };
    const started = Date.now();
    const res = await call('POST', '/_local/schedules/payout-batch/run');
    // The run is done when its transfer instructions are in their CMS file too (the cms-outbound
    // consumer works after the payouts commit): without this, how much of that work fell inside
    // the measurement varied from run to run.
    await stack.drain(300_000);
    const seconds = (Date.now() - started) / 1000;
    if (res.status !== 200 || !res.body.result.runs.includes(runId)) throw new Error(`run ${runId} failed: ${JSON.stringify(res.body).slice(0, 300)}`);
    return { runId, runs: res.body.result.runs as string[], seconds, requests: counts.requests - before.requests, itemsRead: counts.items - before.items };
  };
  // 2026-03-1 pays on Friday the 13th (the 15th is a Sunday): run on the 12th. 2026-03-2 pays on the 25th: run on the 24th.
  // The clock stops short of the 06:30 schedule so that only the measured run pays.
  const large = await run('2026-03-12T06:00:00+09:00', '2026-03-1');
  const small = await run('2026-03-24T06:00:00+09:00', '2026-03-2');

  console.log('');
  console.log(`${'cycle'.padEnd(12)}${'payments'.padStart(12)}${'buckets'.padStart(10)}${'items read'.padStart(12)}${'requests'.padStart(10)}${'seconds'.padStart(10)}`);
  console.log(`${large.runId.padEnd(12)}${fmt(largeBuckets * PER_BUCKET_LARGE).padStart(12)}${fmt(largeBuckets).padStart(10)}${fmt(large.itemsRead).padStart(12)}${fmt(large.requests).padStart(10)}${fmt(large.seconds, 1).padStart(10)}`);
  console.log(`${small.runId.padEnd(12)}${fmt(smallBuckets).padStart(12)}${fmt(smallBuckets).padStart(10)}${fmt(small.itemsRead).padStart(12)}${fmt(small.requests).padStart(10)}${fmt(small.seconds, 1).padStart(10)}`);
  console.log('');
  console.log(`10x the payments: items read x${fmt(large.itemsRead / small.itemsRead, 2)}, requests x${fmt(large.requests / small.requests, 2)}, time x${fmt(large.seconds / small.seconds, 2)}`);
  // A scheduled run also re-checks each cycle still in its catch-up window (a query and a read or two per provider).
  console.log(`runs made: ${large.runId} day ${JSON.stringify(large.runs)}, ${small.runId} day ${JSON.stringify(small.runs)}`);
  const report = (await call('GET', '/v1/reports/conservation', undefined, agency)).body;
  // The seeded buckets have no payment items behind them, so only the money identities apply here.
  const moneyDifferences = report.differences.filter((d: { identity: string }) => !d.identity.startsWith('bucket approvals') && !d.identity.startsWith('bucket cancellations'));
  console.log(`payouts made ${fmt(report.checked.payouts)}, paid out ${fmt(report.totals.paidOut)} won; deposit, payout and bucket identities balanced: ${moneyDifferences.length === 0}`);
  console.log(JSON.stringify({ providers: PROVIDERS, large: { payments: largeBuckets * PER_BUCKET_LARGE, buckets: largeBuckets, ...large }, small: { payments: smallBuckets, buckets: smallBuckets, ...small } }));
} finally {
  await stack.stop();
}
