/**
 * `npm run bench`: payment intake against the local stack, compared in the same run with the raw
 * rate of 2-item conditional TransactWriteItems on the same DynamoDB Local.
 *
 * Prints: raw transactions/s, approved payments/s through the HTTP API (signed requests from
 * concurrent terminals), their ratio, p50/p99 latency, DynamoDB capacity per approved payment
 * (ReturnConsumedCapacity) and the minified bundle size of the intake function.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const CARDS = Number(process.env.BENCH_CARDS ?? 6000);
const TERMINALS = 32;

const { build } = await import('esbuild');
const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
const { LocalStack, TABLE_NAME } = await import('../../infra/local/stack');
const { BUNDLING, REPO_ROOT } = await import('../../infra/node-function');
const { documentClient } = await import('../../functions/shared/dynamo/client');
const { capacitySnapshot } = await import('../../functions/shared/dynamo/capacity');
const { importDocument, businessNumber } = await import('../support/fixtures');
const { signedHeaders } = await import('../support/terminal');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function runFor(durationMs: number, concurrency: number, op: (worker: number, i: number) => Promise<boolean>) {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const deadline = Date.now() + durationMs;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const t0 = performance.now();
        const success = await op(worker, i);
        latencies.push(performance.now() - t0);
        if (success) ok++;
        else failed++;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ok, failed, seconds, rate: ok / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function bundleSize(entry: string): Promise<number> {
  const out = await build({
    entryPoints: [resolve(REPO_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: true,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0);
}

console.log(`bench: ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per measurement, ${CARDS} cards, ${TERMINALS} terminals`);
const stack = await LocalStack.start({ port: 0, onError: (m, e) => console.error(m, String(e)) });
try {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await res.json()) as any;
  };
  const today = '2026-03-10';
  await call('POST', '/_local/clock', { now: `${today}T14:00:00+09:00` });
  const agency = (await call('POST', '/_local/token', { role: 'agency' })).token;

  // Registry: one provider, 32 terminals, CARDS recipients with a card and a contract each.
  const base = importDocument(1);
  const terminals = Array.from({ length: TERMINALS }, (_, i) => ({ serial: `VT11-B${String(i).padStart(5, '0')}`, phone: `010${String(20000000 + i)}`, providerId: 'P0001', model: 'VT-11', secret: `bench-secret-${i}-${randomUUID()}`, workerIds: [] }));
  const setup = await call('POST', '/v1/admin/import', { programs: base.programs, providers: base.providers, workers: base.workers, terminals }, agency);
  if (setup.rejected.length) throw new Error(JSON.stringify(setup.rejected));
  const full = importDocument(CARDS);
  for (let i = 0; i < CARDS; i += 1500) {
    const slice = (xs: unknown[]) => xs.slice(i, i + 1500);
    const res = await call('POST', '/v1/admin/import', { recipients: slice(full.recipients), cards: slice(full.cards), contracts: slice(full.contracts) }, agency);
    if (res.rejected.length) throw new Error(JSON.stringify(res.rejected.slice(0, 3)));
  }
  const generated = Date.now();
  await call('POST', '/_local/schedules/voucher-generation/run');
  console.log(`setup: ${CARDS} vouchers generated in ${fmt((Date.now() - generated) / 1000, 1)} s`);

  // (a) Raw 2-item conditional transactions on the same DynamoDB Local.
  const doc = documentClient({ region: 'ap-northeast-2', endpoint: process.env.DYNAMODB_ENDPOINT });
  const raw = await runFor(DURATION_MS, CONCURRENCY, async () => {
    const id = randomUUID();
    await doc.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: TABLE_NAME, Item: { PK: `BENCH#${id}`, SK: 'A', v: 1 }, ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName: TABLE_NAME, Item: { PK: `BENCH#${id}`, SK: 'B', v: 1 }, ConditionExpression: 'attribute_not_exists(PK)' } },
      ],
    }));
    return true;
  });

  // (b) Approved payments through the HTTP API: each request signed by its terminal, each card paid once today.
  const bn = businessNumber('123456789');
  let nextCard = 0;
  const before = capacitySnapshot();
  const refusals = new Map<string, number>();
  const api = await runFor(DURATION_MS, CONCURRENCY, async (worker) => {
    const card = ++nextCard;
    if (card > CARDS) return false;
    const t = terminals[worker % TERMINALS]!;
    const body = JSON.stringify({
      transactionId: `B-${card}`, businessNumber: bn, terminalPhone: t.phone, serviceCode: '110101', workerPaymentId: '20000001',
      cardNumber: `9410${String(card).padStart(12, '0')}`, amount: 36_000, kind: 'NORMAL', serviceDate: today, serviceStartAt: `${today}T14:00:00+09:00`, reason: null,
    });
    const res = await fetch(`${stack.url}/v1/terminal/payments`, { method: 'POST', headers: signedHeaders({ ...t, businessNumber: bn }, 'POST', '/v1/terminal/payments', body, new Date(`${today}T14:00:30+09:00`)), body });
    const answer = (await res.json()) as { error?: { code: string } };
    if (res.status !== 201) refusals.set(answer.error?.code ?? String(res.status), (refusals.get(answer.error?.code ?? String(res.status)) ?? 0) + 1);
    return res.status === 201;
  });
  const after = capacitySnapshot();
  const drained = await stack.drain(120_000);

  const bytes = await bundleSize('functions/payment-intake/handler.ts');
  const wcu = (after.write - before.write) / api.ok;
  const pricedWcu = (after.pricedWrite - before.pricedWrite) / api.ok;
  const rcu = (after.read - before.read) / api.ok;

  const rows = [
    ['measurement', 'per second', 'p50 ms', 'p99 ms', 'count'],
    ['raw 2-item TransactWriteItems', fmt(raw.rate), fmt(raw.p50, 1), fmt(raw.p99, 1), fmt(raw.ok)],
    ['approved payments via HTTP API', fmt(api.rate), fmt(api.p50, 1), fmt(api.p99, 1), fmt(api.ok)],
  ];
  console.log('');
  for (const r of rows) console.log(`${r[0]!.padEnd(34)}${r.slice(1).map((c) => c.padStart(12)).join('')}`);
  console.log('');
  console.log(`ratio payments / raw transactions     ${fmt(api.rate / raw.rate, 2)}   (target >= 0.80)`);
  console.log(`write capacity per approved payment   ${fmt(pricedWcu, 1)} WCU as AWS bills transactions (target <= 8); DynamoDB Local reports ${fmt(wcu, 1)}`);
  console.log(`read capacity per approved payment    ${fmt(rcu, 1)} RCU`);
  console.log(`intake bundle (minified ESM, SDK in)  ${fmt(bytes)} bytes`);
  console.log(`outbox drained after the run          ${drained.drained}`);
  if (refusals.size) console.log(`refused during the run                ${JSON.stringify(Object.fromEntries(refusals))}`);
  console.log(JSON.stringify({ raw, api, ratio: api.rate / raw.rate, wcuPerPayment: pricedWcu, wcuReportedByLocal: wcu, rcuPerPayment: rcu, bundleBytes: bytes }));
  doc.destroy();
} finally {
  await stack.stop();
}
