/**
 * `npm run bench:soak` (issue 15 §9): screening under sustained load on the local stack.
 *
 * 32 terminals post retroactive payments for 2,000 recipients served by 20 workers — each worker's
 * payments of one service date all overlap, the worst case for SCR-01's pair rule — at a steady
 * rate (default 50/s) for a few minutes (default 180 s), every 25th request sent twice. The
 * screening queue's depth is sampled throughout and drawn; after the load the time until every
 * queue is empty is measured. Prints approval → screened p50/p99, the backlog's peak, the drain
 * time, and ratios against a baseline measured first in the same run: intake alone (screening
 * held) for 15 s. Checks: no 5xx, every retry answered with its first approval, the backlog
 * bounded during the load (under 10 s of approvals) and drained within 60 s after.
 */
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.JAVA_TOOL_OPTIONS ??= '-Xmx1g -XX:+UseSerialGC';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const RATE = Number(process.env.SOAK_RATE ?? 50);
const BASELINE_SECONDS = Number(process.env.SOAK_BASELINE_SECONDS ?? 15);
const RECIPIENTS = 2_000;
const WORKERS = 20;
const TERMINALS = 32;
const DRAIN_LIMIT_MS = 60_000;

const { LocalStack, TABLE_NAME } = await import('../../infra/local/stack');
const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
const { documentClient } = await import('../../functions/shared/dynamo/client');
const { LOCAL_CREDENTIALS, LOCAL_REGION } = await import('../../infra/local/servers');
const { businessNumber, importDocument } = await import('../support/fixtures');
const { signedHeaders } = await import('../support/terminal');
const { systemClock } = await import('../../functions/shared/clock');
const { Progress } = await import('./progress');

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await LocalStack.start({ port: 0, onError: (m, e) => console.error(m, String(e)) });
const sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
const failures: string[] = [];
try {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await res.json()) as any;
  };
  const today = '2026-03-28';
  const clock = () => call('POST', '/_local/clock', { now: `${today}T14:00:00+09:00` });
  await clock();
  const agency = (await call('POST', '/_local/token', { role: 'agency' })).token;

  // A program of 30 sessions a month (30,000 won each), so that each card can be paid every day.
  const base = importDocument(1);
  const programs = [{ ...base.programs[0]!, serviceTypes: [{ serviceCode: '110101', name: '아동청소년심리지원서비스', grades: [{ grade: '1', monthlySubsidy: 900_000, sessionsPerMonth: 30 }] }] }];
  const terminals = Array.from({ length: TERMINALS }, (_, i) => ({ serial: `VT11-S${String(i).padStart(5, '0')}`, phone: `010${String(30000000 + i)}`, providerId: 'P0001', model: 'VT-11', secret: `soak-secret-${i}-${randomUUID()}`, workerIds: [] }));
  const workers = Array.from({ length: WORKERS }, (_, i) => ({ workerId: `SW${String(i).padStart(4, '0')}`, providerId: 'P0001', name: '김민수', rrn: `850101-1${String(i).padStart(6, '0')}`, workerPaymentId: `4${String(i).padStart(7, '0')}`, contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }));
  const setup = await call('POST', '/v1/admin/import', { programs, providers: base.providers, workers, terminals }, agency);
  if (setup.rejected.length) throw new Error(JSON.stringify(setup.rejected));
  const full = importDocument(RECIPIENTS);
  const seeding = new Progress('soak: registry', RECIPIENTS);
  for (let i = 0; i < RECIPIENTS; i += 250) {
    const slice = <T>(xs: T[]) => xs.slice(i, i + 250);
    const res = await call('POST', '/v1/admin/import', { recipients: slice(full.recipients), cards: slice(full.cards), contracts: slice(full.contracts).map((c) => ({ ...c, designatedWorkerIds: [] })) }, agency);
    if (res.rejected.length) throw new Error(JSON.stringify(res.rejected.slice(0, 3)));
    seeding.add(Math.min(250, RECIPIENTS - i));
  }
  seeding.done();
  await call('POST', '/_local/schedules/voucher-generation/run');

  // Payment n: card (n mod 2,000) for service date (n div 2,000) + 1, by the card's worker, at 10:00.
  const bn = businessNumber('123456789');
  const sentAt = new Map<string, number>();
  const answers = new Map<string, string>();
  const statuses = new Map<number, number>();
  let next = 0;
  const pay = async (terminal: number, retry = false, n = next++): Promise<void> => {
    const card = (n % RECIPIENTS) + 1;
    const day = String(Math.floor(n / RECIPIENTS) + 1).padStart(2, '0');
    const t = terminals[terminal % TERMINALS]!;
    const body = JSON.stringify({
      transactionId: `S-${n}`, businessNumber: bn, terminalPhone: t.phone, serviceCode: '110101', workerPaymentId: workers[card % WORKERS]!.workerPaymentId,
      cardNumber: `9410${String(card).padStart(12, '0')}`, amount: 30_000, kind: 'RETRO', reason: 'TERMINAL_BROKEN', serviceDate: `2026-03-${day}`, serviceStartAt: `2026-03-${day}T10:00:00+09:00`,
    });
    // The stack's clock, which the screening index stamps with too.
    const at = systemClock.now().getTime();
    const res = await fetch(`${stack.url}/v1/terminal/payments`, { method: 'POST', headers: signedHeaders({ ...t, businessNumber: bn }, 'POST', '/v1/terminal/payments', body, new Date(`${today}T14:00:30+09:00`)), body });
    const answer = (await res.json()) as { approvalNumber?: string; error?: { code: string } };
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) failures.push(`5xx: ${res.status} ${JSON.stringify(answer)}`);
    if (!answer.approvalNumber) return;
    if (retry) {
      if (answers.get(`S-${n}`) !== answer.approvalNumber) failures.push(`PAY-09: S-${n} answered ${answer.approvalNumber}, first ${answers.get(`S-${n}`)}`);
      return;
    }
    answers.set(`S-${n}`, answer.approvalNumber);
    sentAt.set(answer.approvalNumber, at);
    // Every 25th request is sent again (a terminal that lost the answer).
    if (n % 25 === 0) await pay(terminal, true, n);
  };

  /** Sends at `rate` per second (or as fast as the terminals go) for `seconds`; approvals per second. */
  async function load(seconds: number, rate: number | null, sample?: () => Promise<void>): Promise<{ approvals: number; seconds: number }> {
    const started = Date.now();
    const before = sentAt.size;
    const deadline = started + seconds * 1000;
    let issued = 0;
    const sampler = sample ? setInterval(() => void sample(), 2_000) : undefined;
    const progress = new Progress(`soak: ${rate ? `${rate}/s` : 'as fast as it goes'}`, seconds);
    const ticker = setInterval(() => progress.add(1), 1_000);
    await Promise.all(Array.from({ length: TERMINALS }, async (_, terminal) => {
      while (Date.now() < deadline) {
        if (rate) {
          // Paced: request k goes out at k / rate seconds.
          const due = started + (issued / rate) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
          if (Date.now() >= deadline) break;
        }
        issued++;
        await pay(terminal);
      }
    }));
    clearInterval(ticker);
    if (sampler) clearInterval(sampler);
    progress.done();
    return { approvals: sentAt.size - before, seconds: (Date.now() - started) / 1000 };
  }

  const depth = async () => {
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queues.urls.screening, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(out.Attributes!.ApproximateNumberOfMessages) + Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible);
  };

  // Baseline: intake alone, screening held back (its queue fills), then drained.
  await stack.pauseConsumer('screening');
  const baseline = await load(BASELINE_SECONDS, null);
  const held = await depth();
  stack.resumeConsumer('screening');
  const catchUpStarted = Date.now();
  const caughtUp = await stack.drain(600_000);
  const catchUpSeconds = (Date.now() - catchUpStarted) / 1000;
  const baselineApprovals = new Set(sentAt.keys());

  // The soak: screening live, the backlog sampled every 2 s.
  await clock();
  const samples: { t: number; depth: number }[] = [];
  const soakStarted = Date.now();
  const soak = await load(SECONDS, RATE, async () => {
    samples.push({ t: (Date.now() - soakStarted) / 1000, depth: await depth() });
  });
  const atEnd = await depth();
  const drainStarted = Date.now();
  const drained = await stack.drain(300_000);
  const drainSeconds = (Date.now() - drainStarted) / 1000;

  // Approval → screened, from the screening index's own timestamp.
  const doc = documentClient({ region: LOCAL_REGION, endpoint: process.env.DYNAMODB_ENDPOINT });
  const screenedAt = new Map<string, number>();
  let holds = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (item.type === 'ScreeningIndex' && String(item.PK).startsWith('SCRIDX#W#') && String(item.SK).startsWith('S#')) screenedAt.set(item.approvalNumber as string, item.screenedAtMs as number);
      if (item.type === 'Hold') holds++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const soaked = [...sentAt].filter(([a]) => !baselineApprovals.has(a));
  const latencies = soaked.flatMap(([a, at]) => (screenedAt.has(a) ? [screenedAt.get(a)! - at] : [])).sort((x, y) => x - y);
  const unscreened = soaked.filter(([a]) => !screenedAt.has(a)).length;

  const peak = Math.max(0, ...samples.map((s) => s.depth));
  const approvalRate = soak.approvals / soak.seconds;
  const baselineRate = baseline.approvals / baseline.seconds;
  console.log(`\nsoak bench: ${TERMINALS} terminals, ${fmt(RECIPIENTS)} recipients, ${WORKERS} workers, retroactive payments, ${SECONDS} s at ${RATE}/s`);
  console.log(`baseline: intake alone ${fmt(baselineRate, 1)} approvals/s (${fmt(baseline.approvals)} in ${fmt(baseline.seconds, 1)} s); the ${fmt(held)} held messages screened in ${fmt(catchUpSeconds, 1)} s = ${fmt(held / catchUpSeconds, 1)}/s (x${fmt(held / catchUpSeconds / baselineRate, 2)} intake)${caughtUp.drained ? '' : ' NOT DRAINED'}`);
  console.log(`soak: ${fmt(soak.approvals)} approvals, ${fmt(approvalRate, 1)}/s (x${fmt(approvalRate / baselineRate, 2)} baseline); answers ${JSON.stringify(Object.fromEntries(statuses))}; SCR holds ${fmt(holds)}`);
  console.log(`screening backlog: peak ${fmt(peak)} messages (${fmt(peak / approvalRate, 1)} s of approvals), ${fmt(atEnd)} at the end, drained ${drained.drained ? `in ${fmt(drainSeconds, 1)} s` : `NOT within 300 s: ${JSON.stringify(drained.pending)}`}`);
  console.log(`approval -> screened: p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(latencies.at(-1) ?? NaN)} ms (${fmt(latencies.length)} screened, ${fmt(unscreened)} not)`);
  // The backlog over time, one bar per sample.
  const width = 50;
  for (const s of samples.filter((_, i) => i % Math.max(1, Math.ceil(samples.length / 30)) === 0)) console.log(`${fmt(s.t, 0).padStart(4)} s ${'#'.repeat(peak ? Math.round((s.depth / peak) * width) : 0).padEnd(width)} ${fmt(s.depth)}`);
  console.log(JSON.stringify({ seconds: SECONDS, rate: RATE, baselineRate, approvalRate, approvals: soak.approvals, peakBacklog: peak, backlogAtEnd: atEnd, drainSeconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), unscreened, holds, statuses: Object.fromEntries(statuses) }));
  if (peak > approvalRate * 10) failures.push(`the backlog reached ${peak} messages, more than 10 s of approvals`);
  if (!drained.drained || drainSeconds * 1000 > DRAIN_LIMIT_MS) failures.push(`the backlog took ${fmt(drainSeconds, 1)} s to drain (limit ${DRAIN_LIMIT_MS / 1000} s)`);
  if (unscreened > 0) failures.push(`${unscreened} approvals were never screened`);
} finally {
  sqs.destroy();
  const stopping = Date.now();
  await stack.stop();
  console.log(`stack stopped in ${fmt((Date.now() - stopping) / 1000, 1)} s`);
}
if (failures.length) {
  console.error(`soak FAILED:\n${failures.slice(0, 20).join('\n')}`);
  process.exit(1);
}
