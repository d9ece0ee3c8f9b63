/**
 * `npm run demo [-- --scale <s>] [--seed <n>] [--url <stack>] [--exit]`: a month of the platform
 * on the local stack, through the HTTP API alone. It uses the stack at `--url` (or
 * http://127.0.0.1:$PORT, default 3000) when one answers, and starts one otherwise (kept running at
 * the end, for /ops and /docs, until Ctrl-C; `--exit` stops it). Then it imports a registry (the
 * simulation's world: several municipalities, dozens of providers, hundreds of recipients and
 * workers, session and time programs), the municipalities fund their deposits, March 2026's
 * vouchers are generated, and every business day workers take payments and tag time sessions at
 * their terminals, hour by hour; a few payments are cancelled the same day or refunded later, a few
 * are held by their municipality, explained by the provider and reviewed by the agency; the
 * scheduler pays the 10-day cycles and sends and receives the CMS files. A summary ends it.
 *
 * Best on a fresh stack (`npm start -- --fresh`, or none running): the month is always March 2026.
 */
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import { signedHeaders, type TerminalIdentity } from '../support/terminal';
import { addDays, at, isBusinessDay } from '../sim/calendar';
import { Rng } from '../sim/rng';
import { buildWorld, importDocumentOf, isTimeService, service, type SimContract, type SimWorld } from '../sim/world';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '2026' },
    url: { type: 'string' },
    exit: { type: 'boolean', default: false },
  },
  strict: true,
});
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0 && scale <= 3) || !Number.isInteger(seed)) {
  console.error('--scale is a number above 0, at most 3 (1 = 30 providers, 400 recipients, 150 workers); --seed a whole number');
  process.exit(2);
}

const MONTH_DAYS = Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
const BUSINESS_DAYS = MONTH_DAYS.filter(isBusinessDay);
/** The hours a worker's services start at (a slot each); a time session takes three. */
const SLOTS = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'];
const TIME_SESSION_MINUTES = 125;
const CONCURRENCY = 16;

interface Answer {
  status: number;
  body: any;
}

interface Payout {
  providerId: string;
  programCode: string;
  amount: number;
  status: string;
}

class Demo {
  private readonly tokens = new Map<string, string>();
  readonly counts = new Map<string, number>();
  readonly refused = new Map<string, { n: number; example: string }>();
  readonly approvals: { approvalNumber: string; providerId: string; municipalityCode: string; day: string }[] = [];
  constructor(readonly url: string, private readonly world: SimWorld) {}

  count(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  async local(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${this.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async as(claims: Record<string, string>, method: string, path: string, body?: unknown): Promise<Answer> {
    const key = JSON.stringify(claims);
    let token = this.tokens.get(key);
    if (!token) {
      token = (await this.local('POST', '/_local/token', claims)).body.token as string;
      this.tokens.set(key, token);
    }
    const res = await fetch(`${this.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  }

  async terminal(t: TerminalIdentity, method: 'GET' | 'POST', path: string, body: unknown, now: string): Promise<Answer> {
    const text = JSON.stringify(body);
    const res = await fetch(`${this.url}${path}`, { method, headers: signedHeaders(t, method, path, text, new Date(now)), body: text });
    const answer = { status: res.status, body: await res.json() };
    if (answer.status >= 400) {
      const code = answer.body?.error?.code ?? String(answer.status);
      const seen = this.refused.get(code) ?? { n: 0, example: `${path}: ${answer.body?.error?.message ?? ''} ${JSON.stringify(answer.body?.error?.details ?? {}).slice(0, 200)}` };
      this.refused.set(code, { ...seen, n: seen.n + 1 });
    }
    return answer;
  }

  async setNow(instant: string): Promise<void> {
    const set = await this.local('POST', '/_local/clock', { now: instant });
    if (set.status !== 200) throw new Error(`the stack refused the clock ${instant}: ${JSON.stringify(set.body)}`);
    const drained = await this.local('POST', '/_local/drain', { timeoutSeconds: 300 });
    if (drained.status !== 200) throw new Error(`the stack did not drain at ${instant}: ${JSON.stringify(drained.body)}`);
  }

  async run(schedule: string): Promise<void> {
    const ran = await this.local('POST', `/_local/schedules/${schedule}/run`);
    if (ran.status !== 200) throw new Error(`schedule ${schedule} failed: ${JSON.stringify(ran.body)}`);
  }

  /** Every provider's payouts, page by page, as the agency lists them. */
  async payouts(): Promise<Payout[]> {
    const all: Payout[] = [];
    for (const p of this.world.providers) {
      let next: string | null = null;
      do {
        const page: { items: Payout[]; nextToken: string | null } = (await this.as({ role: 'agency', sub: 'demo-agency' }, 'GET', `/v1/payouts?providerId=${p.providerId}&limit=500${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`)).body;
        all.push(...page.items);
        next = page.nextToken;
      } while (next);
    }
    return all;
  }

  municipalityOf(recipientId: string): string {
    return this.world.recipients.find((r) => r.recipientId === recipientId)!.municipalityCode;
  }
}

/** Runs the tasks, at most `limit` at once. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

interface Job {
  contract: SimContract;
  kind: 'SESSION' | 'TIME';
}
interface Placed extends Job {
  slot: number;
  workerPaymentId: string;
}

/** The days of the month a contract's service is delivered: its sessions spread over the business days (time programs: as many sessions as the minutes allow). */
function serviceDays(c: SimContract, rng: Rng): string[] {
  const spec = service(c.serviceCode);
  const grade = spec.grades.find((g) => g.grade === c.grade)!;
  const n = isTimeService(c.serviceCode) ? Math.floor((grade.monthlyMinutes ?? 0) / TIME_SESSION_MINUTES / 1.4) : grade.sessionsPerMonth;
  const offset = rng.int(0, BUSINESS_DAYS.length - 1);
  const days = new Set<string>();
  for (let j = 0; j < n && days.size < BUSINESS_DAYS.length; j++) days.add(BUSINESS_DAYS[(offset + Math.floor((j * BUSINESS_DAYS.length) / Math.max(1, n))) % BUSINESS_DAYS.length]!);
  return [...days].filter((d) => d >= c.from && d <= c.to).sort();
}

/**
 * A day's services placed on workers and hours: a worker does one thing an hour (a time session
 * three: its start, its run and its end), a card is in one service at a time.
 */
function placeDay(world: SimWorld, jobs: Job[]): Placed[] {
  const busy = new Set<string>();
  const placed: Placed[] = [];
  for (const job of [...jobs].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'TIME' ? -1 : 1))) {
    const span = job.kind === 'TIME' ? 3 : 1;
    const workers = world.workers.filter((w) => w.providerId === job.contract.providerId);
    search: for (let slot = 0; slot + span <= SLOTS.length; slot++) {
      for (const w of workers) {
        const hours = Array.from({ length: span }, (_, i) => slot + i);
        if (hours.some((h) => busy.has(`${w.workerId}@${h}`) || busy.has(`${job.contract.recipientId}@${h}`))) continue;
        for (const h of hours) busy.add(`${w.workerId}@${h}`).add(`${job.contract.recipientId}@${h}`);
        placed.push({ ...job, slot, workerPaymentId: w.workerPaymentId });
        break search;
      }
    }
  }
  return placed;
}

async function stackAt(url: string | undefined): Promise<{ url: string; stop?: () => Promise<void> }> {
  const candidate = url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const up = await fetch(`${candidate}/_local/health`).then((r) => r.ok, () => false);
  if (up) return { url: candidate };
  if (url) throw new Error(`no local stack answers at ${url}`);
  console.log(`no stack at ${candidate}: starting one (in memory) …`);
  const { LocalStack } = await import('../../infra/local/stack');
  const stack = await LocalStack.start({ port: Number(process.env.PORT ?? 3000), onError: () => undefined });
  return { url: stack.url, stop: () => stack.stop() };
}

async function main(): Promise<void> {
  const started = Date.now();
  const stack = await stackAt(values.url);
  const rng = new Rng(seed, 'demo');
  const built = buildWorld(rng.fork('world'), { providers: Math.max(3, Math.round(30 * scale)), recipients: Math.max(20, Math.round(400 * scale)), workersPerProvider: 5 }, '2026-03-01', '2026-03-31');
  // Municipalities fund their deposits amply, but one runs short until it tops up mid-month (PO-03: its payouts wait, then are paid).
  const monthly = (d: SimWorld['deposits'][number]) => built.contracts.filter((c) => service(c.serviceCode).programCode === d.programCode && built.recipients.find((r) => r.recipientId === c.recipientId)!.municipalityCode === d.municipalityCode).reduce((n, c) => n + service(c.serviceCode).grades.find((g) => g.grade === c.grade)!.monthlySubsidy, 0);
  const deposits = built.deposits.filter((d) => monthly(d) > 0).map((d, i) =>
    i === 0 ? { ...d, initial: Math.round((0.2 * monthly(d)) / 1000) * 1000, topUp: { day: '2026-03-16', amount: Math.round((3 * monthly(d)) / 1000) * 1000 } } : { municipalityCode: d.municipalityCode, programCode: d.programCode, initial: Math.round((2 * monthly(d)) / 1000) * 1000 });
  const world: SimWorld = { ...built, deposits };
  const demo = new Demo(stack.url, world);
  const agency = { role: 'agency', sub: 'demo-agency' };
  const terminals = new Map(world.providers.map((p) => [p.providerId, world.terminals.filter((t) => t.providerId === p.providerId).map((t) => ({ serial: t.serial, secret: t.secret, phone: t.phone, businessNumber: p.businessNumber }))]));

  // Without a terminal (a log, a pipe) the bars print as lines every few seconds.
  const bars = new MultiBar({ format: ' {bar} {percentage}% | {value}/{total} {what} | {status}', hideCursor: true, clearOnComplete: false, barsize: 30, noTTYOutput: !process.stdout.isTTY, notTTYSchedule: 10_000 }, Presets.shades_classic);
  const setup = bars.create(4, 0, { what: 'set-up steps', status: 'importing the registry' });

  // The registry, the deposits and the month's vouchers.
  await demo.setNow(at('2026-03-02', '08:00'));
  const imported = await demo.as(agency, 'POST', '/v1/admin/import', importDocumentOf(world));
  if (imported.status !== 200 && imported.status !== 201) throw new Error(`the import failed: ${JSON.stringify(imported.body).slice(0, 500)}`);
  demo.count('registry records rejected', imported.body.rejected?.length ?? 0);
  setup.increment(1, { status: 'funding deposits' });
  for (const d of world.deposits.filter((x) => x.initial > 0)) {
    const funded = await demo.as({ role: 'municipality', municipalityCode: d.municipalityCode, sub: `demo-${d.municipalityCode}` }, 'POST', '/v1/deposits', { municipalityCode: d.municipalityCode, programCode: d.programCode, amount: d.initial, depositedAt: at('2026-03-02', '08:00') });
    if (funded.status === 201) demo.count('deposits');
  }
  setup.increment(1, { status: 'generating March vouchers' });
  await demo.run('voucher-generation');
  setup.increment(1, { status: 'planning the month' });
  const plan = new Map<string, Job[]>(BUSINESS_DAYS.map((d) => [d, []]));
  for (const c of world.contracts) for (const day of serviceDays(c, rng.fork(c.contractId))) plan.get(day)?.push({ contract: c, kind: isTimeService(c.serviceCode) ? 'TIME' : 'SESSION' });
  setup.increment(1, { status: `${world.municipalities.length} municipalities, ${world.providers.length} providers, ${world.recipients.length} recipients, ${world.workers.length} workers, ${world.contracts.length} contracts` });

  const days = bars.create(BUSINESS_DAYS.length, 0, { what: 'business days of March', status: '' });
  const requests = bars.create([...plan.values()].reduce((n, jobs) => n + jobs.reduce((m, j) => m + (j.kind === 'TIME' ? 2 : 1), 0), 0), 0, { what: 'terminal requests', status: '' });
  const held: { holdId: string; providerId: string }[] = [];

  for (const day of BUSINESS_DAYS) {
    const placed = placeDay(world, plan.get(day)!);
    const open = new Map<Placed, string>();
    for (let slot = 0; slot < SLOTS.length; slot++) {
      const now = at(day, SLOTS[slot]!).replace(':00:00+', ':05:00+');
      await demo.setNow(now);
      days.update({ status: `${day} ${now.slice(11, 16)}` });
      // Time sessions started two hours ago end now (125 minutes, TIME-02); then this hour's services.
      const ending = [...open.entries()].filter(([p]) => p.slot === slot - 2);
      const starting = placed.filter((p) => p.slot === slot);
      await inParallel([...ending.map((e) => ({ end: e })), ...starting.map((p) => ({ start: p }))], CONCURRENCY, async (task) => {
        if ('end' in task) {
          const [p, sessionId] = task.end;
          const t = terminals.get(p.contract.providerId)![0]!;
          const ended = await demo.terminal(t, 'POST', `/v1/terminal/sessions/${sessionId}/end`, { transactionId: `D${seed}-${p.contract.contractId}-${day}-end`, businessNumber: t.businessNumber, terminalPhone: t.phone }, now);
          if (ended.status === 201) {
            demo.count('time sessions paid');
            demo.approvals.push({ approvalNumber: ended.body.approvalNumber, providerId: p.contract.providerId, municipalityCode: demo.municipalityOf(p.contract.recipientId), day });
          }
          open.delete(p);
          requests.increment();
          return;
        }
        const p = task.start;
        const ts = terminals.get(p.contract.providerId)!;
        const t = ts[p.slot % ts.length]!;
        const card = world.recipients.find((r) => r.recipientId === p.contract.recipientId)!.cardNumber;
        const common = { transactionId: `D${seed}-${p.contract.contractId}-${day}`, businessNumber: t.businessNumber, terminalPhone: t.phone, serviceCode: p.contract.serviceCode, workerPaymentId: p.workerPaymentId, cardNumber: card };
        if (p.kind === 'TIME') {
          const tagged = await demo.terminal(t, 'POST', '/v1/terminal/sessions/start', common, now);
          if (tagged.status === 201) open.set(p, tagged.body.sessionId as string);
          else requests.increment(); // no end tag follows
        } else {
          const grade = service(p.contract.serviceCode).grades.find((g) => g.grade === p.contract.grade)!;
          const paid = await demo.terminal(t, 'POST', '/v1/terminal/payments', { ...common, amount: Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth), kind: 'NORMAL', serviceDate: day, serviceStartAt: at(day, SLOTS[p.slot]!), reason: null }, now);
          if (paid.status === 201) {
            demo.count('session payments');
            demo.approvals.push({ approvalNumber: paid.body.approvalNumber, providerId: p.contract.providerId, municipalityCode: demo.municipalityOf(p.contract.recipientId), day });
            // Now and then the worker keyed it wrong: cancelled at once, the same day (PAY-10).
            if (rng.chance(0.004)) {
              const cancelled = await demo.terminal(t, 'POST', `/v1/terminal/payments/${paid.body.approvalNumber}/cancel`, { transactionId: `${common.transactionId}-cancel`, businessNumber: t.businessNumber, terminalPhone: t.phone }, now);
              if (cancelled.status === 200) {
                demo.count('same-day cancels');
                demo.approvals.pop();
              }
            }
          }
        }
        requests.increment();
      });
    }

    // The office's day: a municipality holds a payment for a field check (HOLD-03); the provider
    // explains held payments; the agency reviews what was explained and decides refunds.
    const today = demo.approvals.filter((a) => a.day === day);
    if (today.length && rng.chance(0.4)) {
      const a = rng.pick(today);
      const hold = await demo.as({ role: 'municipality', municipalityCode: a.municipalityCode, sub: `demo-${a.municipalityCode}` }, 'POST', '/v1/holds', { providerId: a.providerId, approvalNumbers: [a.approvalNumber], comment: '현장 점검 필요' });
      if (hold.status === 201) {
        demo.count('holds placed');
        held.push({ holdId: hold.body.items[0].holdId, providerId: a.providerId });
      }
    }
    for (const h of held.splice(0, held.length)) {
      // HOLD-01: the provider uploads the service record (pre-signed S3 upload) and submits it; the agency reviews.
      const provider = { role: 'provider', providerId: h.providerId, sub: `demo-${h.providerId}` };
      const document = Buffer.from(`%PDF-1.4\n서비스 제공 확인서 ${h.holdId}\n`);
      const issued = await demo.as(provider, 'POST', `/v1/holds/${h.holdId}/documents`, { fileName: `확인서-${h.holdId}.pdf`, contentType: 'application/pdf', size: document.length });
      if (issued.status !== 201) continue;
      const put = await fetch(issued.body.upload.url, { method: issued.body.upload.method, headers: { 'content-type': 'application/pdf', ...(issued.body.upload.headers ?? {}) }, body: document });
      if (!put.ok) continue;
      const explained = await demo.as(provider, 'POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [h.holdId], comment: '서비스 제공 확인서 제출', documentKeys: [issued.body.documentKey] });
      if (explained.status !== 200) continue;
      demo.count('holds explained');
      const decision = rng.chance(0.8) ? 'PAY' : 'NO_PAY';
      const reviewed = await demo.as(agency, 'POST', `/v1/holds/${h.holdId}/review`, { state: 'REVIEWED', decision, reason: decision === 'PAY' ? '제공 사실 확인' : '제공 사실 확인 불가' });
      if (reviewed.status === 200) demo.count(`holds reviewed ${decision}`);
    }
    const earlier = demo.approvals.filter((a) => a.day < day);
    if (earlier.length && rng.chance(0.3)) {
      const a = rng.pick(earlier);
      const requested = await demo.as({ role: 'provider', providerId: a.providerId, sub: `demo-${a.providerId}` }, 'POST', '/v1/refunds', { approvalNumber: a.approvalNumber, reason: rng.pick(['OVERCHARGE', 'WRONG_SERVICE', 'NOT_DELIVERED']) });
      if (requested.status === 201) {
        demo.count('refunds requested');
        const approve = rng.chance(0.75);
        const decided = await demo.as(agency, 'POST', `/v1/refunds/${requested.body.refundId}/${approve ? 'approve' : 'reject'}`, { reason: '검토 완료' });
        if (decided.status === 200) demo.count(approve ? 'refunds approved' : 'refunds rejected');
      }
    }
    for (const d of world.deposits.filter((x) => x.topUp?.day === day)) {
      const topped = await demo.as({ role: 'municipality', municipalityCode: d.municipalityCode, sub: `demo-${d.municipalityCode}` }, 'POST', '/v1/deposits', { municipalityCode: d.municipalityCode, programCode: d.programCode, amount: d.topUp!.amount, depositedAt: at(day, '17:00') });
      if (topped.status === 201) demo.count('deposit top-ups');
    }
    days.increment();
  }

  // Into April: the last cycles are paid (PO-01), their CMS files sent and their results received.
  const after = Array.from({ length: 16 }, (_, i) => addDays('2026-03-31', i + 1));
  const payoutDays = bars.create(after.length, 0, { what: 'days of payouts and CMS files into April', status: '' });
  for (const day of after) {
    for (const hhmm of ['07:30', '12:00', '16:30']) {
      payoutDays.update({ status: `${day} ${hhmm}` });
      await demo.setNow(at(day, hhmm));
    }
    payoutDays.increment();
  }
  // CMS-04: the banks refused some transfers (closed accounts); the agency corrects those accounts
  // and the next ad-hoc runs pay what waited.
  const failed = new Map<string, { providerId: string; programCode: string }>();
  for (const payout of await demo.payouts()) if (payout.status === 'FAILED') failed.set(`${payout.providerId}/${payout.programCode}`, payout);
  for (const f of failed.values()) {
    const corrected = await demo.as(agency, 'PUT', `/v1/providers/${f.providerId}/accounts/${f.programCode}`, { bankCode: '004', accountNumber: `${f.providerId.slice(1)}0005678`, holder: `제공기관 ${f.providerId}` });
    if (corrected.status === 200) demo.count('accounts corrected');
  }
  const later = Array.from({ length: 5 }, (_, i) => addDays('2026-04-16', i + 1));
  const corrections = bars.create(later.length, 0, { what: 'days after the corrected accounts', status: `${failed.size} accounts corrected` });
  for (const day of later) {
    for (const hhmm of ['07:30', '12:00', '16:30']) await demo.setNow(at(day, hhmm));
    corrections.increment();
  }
  bars.stop();

  // The summary, as the agency and the operators read it.
  const payouts = await demo.payouts();
  const waiting = new Map<string, number>();
  for (const p of world.providers) {
    for (const d of ((await demo.as(agency, 'GET', `/v1/delays?providerId=${p.providerId}`)).body.items ?? []) as { reason: string; amount: number }[]) waiting.set(d.reason, (waiting.get(d.reason) ?? 0) + d.amount);
  }
  const byStatus = new Map<string, number>();
  for (const p of payouts) byStatus.set(p.status, (byStatus.get(p.status) ?? 0) + 1);
  const files = (await demo.as(agency, 'GET', '/v1/cms/files')).body.items as { fileId: string; state: string; recordCount: number; totalAmount: number }[];
  const conservation = (await demo.as(agency, 'GET', '/v1/reports/conservation')).body;
  const won = (n: number) => `${n.toLocaleString('ko-KR')} won`;
  const c = (k: string) => demo.counts.get(k) ?? 0;
  console.log('');
  console.log(`A month of the voucher platform, played in ${Math.round((Date.now() - started) / 1000)} s (seed ${seed}, scale ${scale}):`);
  console.log(`  registry     ${world.municipalities.length} municipalities, ${world.providers.length} providers, ${world.workers.length} workers, ${world.recipients.length} recipients, ${world.contracts.length} contracts (session and time programs); ${c('registry records rejected')} records rejected`);
  console.log(`  payments     ${c('session payments')} session payments and ${c('time sessions paid')} time sessions approved; ${c('same-day cancels')} cancelled the same day; refused: ${[...demo.refused].map(([code, r]) => `${code} ${r.n}`).join(', ') || 'none'}`);
  for (const [code, r] of demo.refused) console.log(`               ${code}, e.g. ${r.example}`);
  console.log(`  refunds      ${c('refunds requested')} requested, ${c('refunds approved')} approved, ${c('refunds rejected')} rejected`);
  console.log(`  holds        ${c('holds placed')} placed by municipalities, ${c('holds explained')} explained; reviewed PAY ${c('holds reviewed PAY')}, NO_PAY ${c('holds reviewed NO_PAY')}`);
  console.log(`  deposits     ${c('deposits')} funded, ${c('deposit top-ups')} topped up`);
  console.log(`  payouts      ${payouts.length} payouts, ${won(payouts.reduce((n, p) => n + p.amount, 0))} (${[...byStatus].map(([status, n]) => `${status} ${n}`).join(', ')})`);
  const why: Record<string, string> = { DEPOSIT_SHORTFALL: 'waiting for a deposit (PO-03)', NEGATIVE_NET: 'recoveries larger than what is due (PO-04)', OTHER: 'waiting for a valid payout account (CMS-04)' };
  console.log(`  accounts     ${c('accounts corrected')} payout accounts corrected after the banks refused their transfers (CMS-04)`);
  console.log(`  still owed   ${[...waiting].map(([reason, amount]) => `${won(amount)} ${why[reason] ?? reason}`).join(', ') || 'nothing'} (GET /v1/delays)`);
  console.log(`  CMS files    ${files.map((f) => `${f.fileId} ${f.state} (${f.recordCount} transfers, ${won(f.totalAmount)})`).join('; ') || 'none'}`);
  console.log(`  conservation ${conservation.balanced ? 'balanced: every won approved is accounted for' : `DOES NOT BALANCE: ${JSON.stringify(conservation.differences).slice(0, 300)}`}`);
  console.log('');
  console.log(`  ops console  ${stack.url}/ops`);
  console.log(`  API document ${stack.url}/docs`);
  if (stack.stop) {
    if (values.exit) return stack.stop();
    console.log('\nThe stack keeps running for a look; Ctrl-C stops it.');
    process.once('SIGINT', () => void stack.stop!().then(() => process.exit(0)));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
