/**
 * `npm run simulate -- --seed <n> [--days <d>] [--scale <s>] [--store dynamodb] [--no-faults] [--trace <file>]`
 * `npm run simulate -- --replay test/sim/failures/<seed>.json`
 * `npm run simulate:long -- [--minutes <m>] [--days <d>] [--scale <s>] [--from-seed <n>]`
 *
 * A failing run is shrunk (fewer days, then fewer providers and recipients) to the smallest
 * options that still fail, written to test/sim/failures/<seed>.json, and replayed from there.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { FAULT_KINDS } from './faults';
import { shrink } from './shrink';
import { type SimOptions, type SimSummary, Simulation } from './run';

const FAILURES = join(import.meta.dirname, 'failures');

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    days: { type: 'string' },
    scale: { type: 'string' },
    store: { type: 'string', default: 'memory' },
    'no-faults': { type: 'boolean', default: false },
    /** Only these faults, at these rates: `dynamodb.throttle=0.05,sqs.duplicate=0.1`. */
    faults: { type: 'string' },
    'no-shrink': { type: 'boolean', default: false },
    replay: { type: 'string' },
    long: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    'from-seed': { type: 'string' },
    /** One line of JSON (the summary) on stdout and nothing else: how `--long` runs each seed. */
    json: { type: 'boolean', default: false },
    /** Writes the run's trace (every request and answer, in order) to this file. */
    trace: { type: 'string' },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function optionsOf(seed: number): SimOptions {
  const store = values.store;
  if (store !== 'memory' && store !== 'dynamodb') fail(`--store ${store}: "memory" (the in-memory DynamoDB, the default) or "dynamodb" (DynamoDB Local)`);
  const days = Number(values.days ?? 12);
  const scale = Number(values.scale ?? 0.3);
  if (!Number.isInteger(days) || days < 1 || days > 120) fail('--days is a whole number of days from 1 to 120');
  if (!(scale > 0 && scale <= 4)) fail('--scale is a number above 0, at most 4 (1 = 20 providers, 500 recipients, 100 workers)');
  const rates = values.faults ? Object.fromEntries(values.faults.split(',').map((kv) => {
    const [kind, rate] = kv.split('=');
    if (!(FAULT_KINDS as readonly string[]).includes(kind!) || !(Number(rate) >= 0 && Number(rate) <= 1)) fail(`--faults: ${kv} is not kind=rate (kinds: ${FAULT_KINDS.join(', ')})`);
    return [kind, Number(rate)];
  })) : undefined;
  return { seed, days, scale, store, ...(values['no-faults'] ? { rates: {} } : rates ? { rates } : {}) };
}

function print(summary: SimSummary): void {
  const faults = Object.entries(summary.faults).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  console.log(`seed ${summary.seed} · ${summary.store} · ${summary.firstDay}…${summary.lastDay} (${summary.days} days) · ${summary.providers} providers, ${summary.recipients} recipients, ${summary.workers} workers`);
  console.log(`  payments approved ${summary.payments.approved}, refused ${JSON.stringify(summary.payments.refused)}`);
  console.log(`  requests ${JSON.stringify(summary.requests)}`);
  console.log(`  faults injected: ${faults}`);
  console.log(`  trace ${summary.traceDigest.slice(0, 16)} · wall ${(summary.wallMs / 1000).toFixed(1)} s · disagreements: ${summary.disagreements.length}`);
  for (const d of summary.disagreements) {
    console.log(`  ✗ day ${d.day} step ${d.step}\n    expected ${JSON.stringify(d.expected)}\n    actual   ${JSON.stringify(d.actual).slice(0, 2_000)}`);
    for (const line of (d.actual as { errors?: string[] } | null)?.errors ?? []) console.log(`    error: ${line.slice(0, 1_500)}`);
  }
}

async function once(options: SimOptions, progress = true): Promise<SimSummary> {
  let bar: SingleBar | undefined;
  if (progress && process.stderr.isTTY) {
    bar = new SingleBar({ format: 'seed {seed} [{bar}] {value}/{total} days · {day}', hideCursor: true, stream: process.stderr });
    bar.start(options.days, 0, { seed: options.seed, day: '' });
  }
  try {
    const simulation = new Simulation({ ...options, onDay: (day, i) => bar?.update(i, { day }) });
    const summary = await simulation.run();
    if (values.trace) writeFileSync(values.trace, `${simulation.trace.join('\n')}\n`);
    if (process.env.SIM_FAULT_LOG) writeFileSync(process.env.SIM_FAULT_LOG, `${simulation.faultLog.join('\n')}\n`);
    return summary;
  } finally {
    bar?.stop();
  }
}

async function main(): Promise<void> {
  if (values.replay) {
    const saved = JSON.parse(readFileSync(values.replay, 'utf8')) as { options: SimOptions };
    const summary = await once(saved.options);
    print(summary);
    if (summary.disagreements.length) writeFileSync(`${values.replay}.last.json`, `${JSON.stringify({ options: saved.options, disagreements: summary.disagreements }, null, 2)}\n`);
    process.exit(summary.disagreements.length ? 1 : 0);
  }
  if (values.long) return long();
  if (values.seed === undefined || !/^\d+$/.test(values.seed)) fail('give --seed <n> (a whole number), or --replay <file>');
  const options = optionsOf(Number(values.seed));
  if (values.json) {
    const summary = await once(options, false);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exit(summary.disagreements.length ? 1 : 0);
  }
  const summary = await once(options);
  print(summary);
  if (summary.disagreements.length === 0) return;
  const smallest = values['no-shrink'] ? { options, summary } : await shrink(options, summary, (o) => once(o, false), (line) => console.log(line));
  const file = join(FAILURES, `${options.seed}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ options: smallest.options, disagreements: smallest.summary.disagreements }, null, 2)}\n`);
  console.log(`shrunk to ${JSON.stringify(smallest.options)}; replay: npm run simulate -- --replay ${file}`);
  process.exit(1);
}

/** One seed in a child process (`--json`), its summary read from the last line it prints. */
function child(seed: number): Promise<SimSummary> {
  const args = ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), '--seed', String(seed), '--json', '--store', values.store!, ...(values.days ? ['--days', values.days] : []), ...(values.scale ? ['--scale', values.scale] : []), ...(values.faults ? ['--faults', values.faults] : []), ...(values['no-faults'] ? ['--no-faults'] : [])];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    proc.on('error', reject);
    proc.on('close', () => {
      const last = out.trim().split('\n').filter((l) => l.startsWith('{"seed"')).pop();
      if (!last) return reject(new Error(`seed ${seed}: the simulation printed no summary`));
      resolve(JSON.parse(last) as SimSummary);
    });
  });
}

/** Many seeds for a set time: one line per seed, a summary at the end. */
async function long(): Promise<void> {
  const minutes = Number(values.minutes ?? 10);
  const deadline = Date.now() + minutes * 60_000;
  let seed = Number(values['from-seed'] ?? Date.now() % 100_000);
  const totals = { seeds: 0, days: 0, approved: 0, requests: 0, wallMs: 0, failed: [] as number[] };
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<string, number>;
  const bar = new SingleBar({ format: 'simulate:long [{bar}] {percentage}% · {seeds} seeds · {days} days · {approved} payments · {failed} failed', hideCursor: true, stream: process.stderr });
  bar.start(minutes * 60, 0, { seeds: 0, days: 0, approved: 0, failed: 0 });
  const tick = setInterval(() => bar.update(Math.min(minutes * 60, Math.round((Date.now() - (deadline - minutes * 60_000)) / 1000))), 1_000);
  try {
    while (Date.now() < deadline) {
      const options = optionsOf(seed);
      // Each seed in its own process: the stack's clients and caches are per process, as per Lambda container.
      const summary = await child(seed);
      totals.seeds++;
      totals.days += summary.days;
      totals.approved += summary.payments.approved;
      totals.requests += Object.values(summary.requests).reduce((a, b) => a + b, 0);
      totals.wallMs += summary.wallMs;
      for (const [k, n] of Object.entries(summary.faults)) faults[k] = (faults[k] ?? 0) + n;
      if (summary.disagreements.length) {
        totals.failed.push(seed);
        writeFileSync(join(FAILURES, `${seed}.json`), `${JSON.stringify({ options, disagreements: summary.disagreements }, null, 2)}\n`);
      }
      bar.update({ seeds: totals.seeds, days: totals.days, approved: totals.approved, failed: totals.failed.length });
      if (!process.stderr.isTTY) console.log(`  seed ${seed} · ${summary.firstDay}…${summary.lastDay} · ${summary.payments.approved} approved · ${Object.values(summary.faults).reduce((a, b) => a + b, 0)} faults · ${summary.disagreements.length} disagreements · ${(summary.wallMs / 1000).toFixed(0)} s`);
      seed++;
    }
  } finally {
    clearInterval(tick);
    bar.stop();
  }
  console.log(`simulate:long · ${totals.seeds} seeds · ${totals.days} simulated days · ${totals.approved} payments approved of ${totals.requests} requests · ${(totals.wallMs / 1000).toFixed(0)} s simulating`);
  console.log(`  payments approved per second of simulation (${values.store}, with its schedules, drains and checks): ${(totals.approved / (totals.wallMs / 1000)).toFixed(1)}`);
  console.log(`  faults injected: ${Object.entries(faults).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`  disagreements: ${totals.failed.length}${totals.failed.length ? ` (seeds ${totals.failed.join(', ')}: see test/sim/failures/)` : ''}`);
  process.exit(totals.failed.length ? 1 : 0);
}

await main();
