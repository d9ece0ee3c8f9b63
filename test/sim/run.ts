/**
 * One seeded simulation (issue 12): a world and a workload chosen by the seed, run day by day on
 * a simulated clock against the system, every answer checked by the auditor (`model.ts`) and the
 * money checked at the end of every day and after a final settling.
 */
import { createHash } from 'node:crypto';
import { addDays, addMonths, at, cycleOf, isBusinessDay, lastDayOfMonth, nextBusinessDay } from './calendar';
import { DEFAULT_RATES, Faults, type FaultKind, type FaultRates } from './faults';
import { actionable, Auditor, type Disagreement, type Expected, type ModelPayment, type PaymentRequestBody, RETRO_REASONS, type TagBody, toKst } from './model';
import { Rng } from './rng';
import { type Answer, StackDriver } from './stack-driver';
import { buildWorld, importDocumentOf, isTimeService, refusedAccount, service, type SimContract, type SimTerminal, type SimWorld, sizeOf } from './world';

export interface SimOptions {
  seed: number;
  /** Simulated days of activity (then the run settles: every due cycle is paid and its result received). */
  days: number;
  scale: number;
  /** Where the table lives: the in-memory DynamoDB (fast) or DynamoDB Local; fauxqs either way. */
  store: 'memory' | 'dynamodb';
  /** Fault rates; `{}` runs without faults. */
  rates?: FaultRates;
  /** The first day (else chosen by the seed: the 1st of a month in 2026–2027). */
  start?: string;
  /** Providers and recipients kept (shrinking drops the rest). */
  keep?: { providers?: number; recipients?: number };
  onDay?: (day: string, index: number, total: number) => void;
}

export interface SimSummary {
  seed: number;
  store: string;
  firstDay: string;
  lastDay: string;
  days: number;
  providers: number;
  recipients: number;
  workers: number;
  requests: Record<string, number>;
  payments: { approved: number; refused: Record<string, number> };
  faults: Record<FaultKind, number>;
  disagreements: Disagreement[];
  /** sha256 of the trace: every request sent and answer got, in order (the same seed gives the same). */
  traceDigest: string;
  wallMs: number;
}

const SLOTS = ['10:00', '12:00', '14:00', '16:00', '18:00', '20:00'];
const minutes = (hhmm: string, delta: number) => {
  const m = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)) + delta;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * The first day of the run: the 1st or the 21st of a month from February 2026 to October 2027
 * (within the holiday data's years), so that runs begin with a month or cross a month's end.
 */
export function startOf(seed: number, days = 30): string {
  const rng = new Rng(seed, 'start');
  // The settling after the last day reaches the next cycle's pay day: stay inside 2027.
  const months = Math.max(0, 20 - Math.ceil((days + 25) / 30));
  return `${addMonths('2026-02', rng.int(0, months))}-${rng.pick(['01', '21'])}`;
}

interface Action {
  at: string;
  step: string;
  run: () => Promise<void>;
}

export class Simulation {
  readonly world: SimWorld;
  readonly auditor: Auditor;
  readonly faults: Faults;
  private driver!: StackDriver;
  readonly firstDay: string;
  readonly lastDay: string;
  private readonly requests: Record<string, number> = {};
  private readonly refused: Record<string, number> = {};
  private approved = 0;
  private today = '';
  /** Worker and card slots taken per service date (keeps SCR-01 to the cases the workload means). */
  private readonly slots = new Set<string>();
  private txn = 0;
  /** SCR-03/04: cards and workers whose death or departure was fed; they take no more payments. */
  private readonly gone = new Set<string>();
  /** The contracts of session programs: what the session-payment workload picks from (§4.6 has its own). */
  private get sessionContracts(): SimContract[] {
    return this.world.contracts.filter((c) => !isTimeService(c.serviceCode));
  }
  /** SCR-05: the holds a late feed must have raised, checked once the day is drained. */
  private feedHolds: { holdId: string; ruleId: string; day: string }[] = [];
  /** §5: payments whose open hold moved between provider and agency today, checked once the day is drained. */
  private readonly staged = new Set<string>();
  private readonly piiLines: string[] = [];
  private logLines = 0;
  /** The handlers' error lines (a disagreement's details name the ones that are not injected faults). */
  readonly errorLines: string[] = [];

  constructor(readonly options: SimOptions) {
    const rng = new Rng(options.seed, 'world');
    this.firstDay = options.start ?? startOf(options.seed, options.days);
    this.lastDay = addDays(this.firstDay, options.days - 1);
    const size = sizeOf(options.scale);
    const world = buildWorld(rng, size, this.firstDay, this.lastDay);
    this.world = keepOnly(world, options.keep);
    this.auditor = new Auditor(this.world);
    this.faults = new Faults(options.seed, options.rates ?? DEFAULT_RATES);
  }

  private count(kind: string) {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
  }

  private fail(step: string, expected: unknown, actual: unknown) {
    this.auditor.fail(this.today, step, expected, actual);
  }

  /** The run's trace (after `run`): every request sent and answer got, in order. */
  get trace(): readonly string[] {
    return this.driver?.trace ?? [];
  }

  /** Every fault hit of the run, in order (after `run`). */
  get faultLog(): readonly string[] {
    return this.faults.hitLog;
  }

  async run(): Promise<SimSummary> {
    const started = Date.now();
    const restore = this.watchLogs();
    this.driver = await StackDriver.start(this.faults, this.options.store);
    try {
      await this.setUp();
      const total = this.options.days;
      for (let i = 0; i < total && this.auditor.disagreements.length === 0; i++) {
        const day = addDays(this.firstDay, i);
        this.options.onDay?.(day, i, total);
        await this.simulateDay(day, true);
      }
      if (this.auditor.disagreements.length === 0) await this.settle();
    } finally {
      restore();
      await this.driver.stop();
    }
    for (const line of this.piiLines.slice(0, 3)) this.fail('log', 'no personal data in any log line', line);
    return {
      seed: this.options.seed, store: this.options.store, firstDay: this.firstDay, lastDay: this.lastDay, days: this.options.days,
      providers: this.world.providers.length, recipients: this.world.recipients.length, workers: this.world.workers.length,
      requests: this.requests, payments: { approved: this.approved, refused: this.refused }, faults: { ...this.faults.injected },
      disagreements: this.auditor.disagreements, traceDigest: createHash('sha256').update(this.driver.trace.join('\n')).digest('hex'), wallMs: Date.now() - started,
    };
  }

  /** Every log line the handlers write (stdout and stderr, as in Lambda) is scanned for RRNs, card numbers and names. */
  private watchLogs(): () => void {
    // The world's own personal data, as it could appear: names, RRNs with or without the hyphen, card numbers.
    const people = [...this.world.recipients, ...this.world.workers];
    const secrets = this.secrets;
    for (const v of [...people.map((p) => p.name), ...people.flatMap((p) => [p.rrn, p.rrn.replace('-', '')]), ...this.world.recipients.map((r) => r.cardNumber)]) secrets.add(v);
    const rrnShape = /(?<!\d)\d{6}-[1-4]\d{6}(?!\d)/;
    const restore: (() => void)[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        const text = String(chunk);
        if (!text.startsWith('{')) return write(chunk, ...rest);
        this.logLines++;
        if (text.includes('"level":"ERROR"') && this.errorLines.length < 500) this.errorLines.push(text.slice(0, 3_000));
        const found = rrnShape.exec(text)?.[0] ?? [...secrets].find((n) => text.includes(n));
        if (found) this.piiLines.push(`${found} in ${text.slice(0, 1_500)}`);
        return true;
      }) as typeof stream.write;
      restore.push(() => {
        stream.write = write;
      });
    }
    return () => restore.forEach((r) => r());
  }

  private async setUp(): Promise<void> {
    const d = this.driver;
    // The registry from the month before the first (retroactive payments reach back into it); its
    // vouchers and those of every month up to the first day's are generated on their 1st.
    const month = addMonths(this.firstDay.slice(0, 7), -1);
    await d.setNow(at(`${month}-01`, '00:05'));
    // The jump fires the schedules it passed: done before the import, so that they find an empty registry in every run.
    await d.drain();
    const imported = await d.call({ role: 'agency' }, 'POST', '/v1/admin/import', importDocumentOf(this.world));
    if (imported.status !== 200 || imported.body.rejected.length) throw new Error(`import refused: ${JSON.stringify(imported.body).slice(0, 500)}`);
    for (let m = month; m < this.firstDay.slice(0, 7) || (m === this.firstDay.slice(0, 7) && !this.firstDay.endsWith('-01')); m = addMonths(m, 1)) {
      await d.setNow(at(`${m}-01`, '00:20'));
      await d.drain();
      this.auditor.generate(m);
    }
    await d.setNow(at(addDays(this.firstDay, -1), '10:00'));
    for (const dep of this.world.deposits) if (dep.initial > 0) await this.deposit(dep.municipalityCode, dep.programCode, dep.initial, at(addDays(this.firstDay, -1), '10:00'));
    await d.setNow(at(addDays(this.firstDay, -1), '23:00'));
    await d.drain();
    this.faults.enabled = true;
  }

  private async deposit(municipalityCode: string, programCode: string, amount: number, depositedAt: string) {
    this.count('deposit');
    const answer = await this.driver.call({ role: 'municipality', municipalityCode }, 'POST', '/v1/deposits', { municipalityCode, programCode, amount, depositedAt });
    // A retried deposit after a lost answer is recognised as the same one (200, duplicate).
    if (answer.status !== 201 && !(answer.retried && answer.status === 200 && answer.body.duplicate)) this.fail('deposit', { status: 201 }, answer);
    else this.auditor.deposit(municipalityCode, programCode, amount);
  }

  /** The schedules' moments of a day, then (on activity days) the day's workload, then the day's checks. */
  private async simulateDay(day: string, active: boolean): Promise<void> {
    this.today = day;
    const d = this.driver;
    for (const moment of ['00:20', '01:10', '03:15', '07:10']) {
      await d.setNow(at(day, moment));
      await d.drain();
      if (moment === '00:20' && day.endsWith('-01')) this.auditor.generate(day.slice(0, 7));
    }
    if (active && isBusinessDay(day)) await this.cmsFaults(day);
    await d.setNow(at(day, '09:10'));
    await d.drain();
    if (active) {
      const actions = this.plan(day).sort((a, b) => a.at.localeCompare(b.at));
      for (const action of actions) {
        if (this.auditor.disagreements.length) break;
        await d.setNow(at(day, action.at));
        await action.run();
      }
    }
    await d.setNow(at(day, '23:58'));
    await d.drain();
    if (this.auditor.disagreements.length === 0) await this.checkDay(day);
  }

  /** CMS relay misbehaviour for the day's first transmissions or results (cms.md). */
  private async cmsFaults(day: string): Promise<void> {
    const modes = ['fail', 'timeout', 'timeout-after-receive', 'tamper-result'] as const;
    for (const mode of modes)
      if (this.faults.hits(`cms.${mode}`, day)) {
        this.count(`cms ${mode}`);
        await this.driver.setNow(at(day, '08:50'));
        await this.driver.cms({ mode, times: new Rng(this.options.seed, `cms ${day}`).int(1, 3) });
        return;
      }
  }

  // ——— the workload ———

  private readonly cards = new Map<string, string>();
  /** Personal data no log line may carry (cards issued during the run join it). */
  private readonly secrets = new Set<string>();
  /** Every card ever issued, and whose (a replaced card stays its recipient's, refused). */
  private readonly cardOwner = new Map<string, string>();
  /** A recipient's card number. */
  private cardOf(recipientId: string): string {
    if (this.cards.size === 0) for (const r of this.world.recipients) {
      this.cards.set(r.recipientId, r.cardNumber);
      this.cardOwner.set(r.cardNumber, r.recipientId);
    }
    return this.cards.get(recipientId)!;
  }

  /** The workers of the contract's provider under contract for its program. */
  private workersFor(c: SimContract) {
    const programCode = service(c.serviceCode).programCode;
    return this.world.workers.filter((w) => w.providerId === c.providerId && w.programs.includes(programCode));
  }

  private terminalOf(providerId: string, rng: Rng): SimTerminal & { businessNumber: string } {
    const provider = this.world.providers.find((p) => p.providerId === providerId)!;
    return { ...rng.pick(this.world.terminals.filter((t) => t.providerId === providerId)), businessNumber: provider.businessNumber };
  }

  private take(keys: string[]): boolean {
    if (keys.some((k) => this.slots.has(k))) return false;
    for (const k of keys) this.slots.add(k);
    return true;
  }

  /** A free slot on `date` for a worker of the contract's provider and the card; null when all are taken. */
  private slotFor(rng: Rng, c: SimContract, date: string, card: string): { slot: string; workerPaymentId: string } | null {
    const workers = this.workersFor(c);
    for (const slot of rng.shuffle(SLOTS)) {
      const worker = rng.pick(workers);
      if (this.take([`w|${worker.workerPaymentId}|${date}|${slot}`, `r|${c.recipientId}|${date}|${slot}`])) return { slot, workerPaymentId: worker.workerPaymentId };
    }
    return null;
  }

  private body(t: SimTerminal & { businessNumber: string }, c: SimContract, over: Partial<PaymentRequestBody>): PaymentRequestBody {
    const card = this.cardOf(c.recipientId);
    const perSession = this.auditor.voucher(c.recipientId, (over.serviceDate ?? this.today).slice(0, 7), c.serviceCode)?.perSession ?? 10_000;
    return {
      transactionId: `S${this.options.seed}-${++this.txn}`,
      businessNumber: t.businessNumber,
      terminalPhone: t.phone,
      serviceCode: c.serviceCode,
      workerPaymentId: '',
      cardNumber: card,
      amount: perSession,
      kind: 'NORMAL',
      serviceDate: this.today,
      serviceStartAt: at(this.today, '10:00'),
      reason: null,
      ...over,
    };
  }

  private plan(day: string): Action[] {
    const rng = new Rng(this.options.seed, `day ${day}`);
    const actions: Action[] = [];
    const business = isBusinessDay(day);
    const month = day.slice(0, 7);
    for (const c of this.world.contracts) {
      const v = this.auditor.voucher(c.recipientId, month, c.serviceCode);
      if (!v || v.sessionsLeft === 0) continue;
      if (!rng.chance((business ? 1.1 : 0.3) * v.sessions / 22)) continue;
      const card = this.cardOf(c.recipientId);
      const slot = this.slotFor(rng, c, day, card);
      if (!slot) continue;
      const t = this.terminalOf(c.providerId, rng);
      const roll = rng.float();
      // Most pay a whole session within the window; some are early, less, more, or malformed.
      const start = slot.slot;
      let now = minutes(start, rng.int(-25, 50));
      const over: Partial<PaymentRequestBody> = { workerPaymentId: slot.workerPaymentId, serviceStartAt: at(day, start) };
      if (roll < 0.04 && start !== '10:00') now = minutes(start, -rng.int(40, 90)); // PAY-05: too early
      else if (roll < 0.08) over.amount = v.perSession - 1_000 * rng.int(1, 5);
      else if (roll < 0.1) over.amount = v.perSession + 1_000; // PAY-04
      else if (roll < 0.11) over.terminalPhone = '01099999999'; // PAY-01
      else if (roll < 0.12) over.workerPaymentId = rng.pick(this.world.workers.filter((w) => w.providerId !== c.providerId)).workerPaymentId; // PAY-02
      const body = this.body(t, c, over);
      actions.push({ at: now, step: `pay ${body.transactionId}`, run: () => this.pay(t, body, now) });
      // PAY-09: a terminal that sends the same request again, or reuses the id for another.
      if (rng.chance(0.03)) actions.push({ at: minutes(now, 1), step: `replay ${body.transactionId}`, run: () => this.pay(t, body, minutes(now, 1)) });
      if (rng.chance(0.01)) actions.push({ at: minutes(now, 2), step: `conflict ${body.transactionId}`, run: () => this.pay(t, { ...body, amount: body.amount - 1_000 }, minutes(now, 2)) });
      // PAY-05: a second normal payment of the day for the same card and service.
      if (rng.chance(0.02)) {
        const again = { ...this.body(t, c, over), transactionId: `S${this.options.seed}-${++this.txn}` };
        actions.push({ at: minutes(now, 3), step: `second ${again.transactionId}`, run: () => this.pay(t, again, minutes(now, 3)) });
      }
    }
    // §4.6 TIME-01…03: activity support sessions tagged at start and end (a few under one unit,
    // a few forgotten until they expire, a few started by a second worker while the card is busy).
    for (const c of this.world.contracts.filter((x) => isTimeService(x.serviceCode))) {
      const v = this.auditor.voucher(c.recipientId, month, c.serviceCode);
      if (!v || (v.minutesLeft ?? 0) < 15 || !rng.chance(business ? 0.5 : 0.2)) continue;
      const card = this.cardOf(c.recipientId);
      const slot = this.slotFor(rng, c, day, card);
      if (!slot) continue;
      const t = this.terminalOf(c.providerId, rng);
      const start = minutes(slot.slot, rng.int(0, 10));
      const roll = rng.float();
      // A session ends by 80 minutes into its slot: the next slot's payments may be taken from 25
      // minutes before it, and two normal payments of one worker approved within 10 minutes are
      // SCR-01's (seeds 2 and 3 found that a session ending at 11:32 and a payment at 11:36 are).
      // The last slot runs on past 22:00, into the night surcharge.
      const length = roll < 0.05 ? rng.int(1, 14) : slot.slot === '20:00' ? rng.int(60, 150) : rng.int(30, 70);
      const forgotten = roll > 0.97 && slot.slot <= '14:00';
      const end = forgotten ? minutes(start, 8 * 60 + rng.int(1, 60)) : minutes(start, length);
      const tag = { transactionId: `S${this.options.seed}-${++this.txn}`, businessNumber: t.businessNumber, terminalPhone: t.phone, serviceCode: c.serviceCode, workerPaymentId: slot.workerPaymentId, cardNumber: card };
      actions.push({ at: start, step: `start ${tag.transactionId}`, run: () => this.tagStart(t, tag, start) });
      if (rng.chance(0.03)) {
        const other = rng.pick(this.workersFor(c)).workerPaymentId;
        const second = { ...tag, transactionId: `S${this.options.seed}-${++this.txn}`, workerPaymentId: other };
        actions.push({ at: minutes(start, 1), step: `second start ${second.transactionId}`, run: () => this.tagStart(t, second, minutes(start, 1)) });
      }
      const endTag = { transactionId: `S${this.options.seed}-${++this.txn}`, businessNumber: t.businessNumber, terminalPhone: t.phone };
      actions.push({ at: end, step: `end ${tag.transactionId}`, run: () => this.tagEnd(t, tag.transactionId, endTag, end) });
    }
    // PAY-08: several terminals pay one card's session at the same moment.
    for (let i = 0; i < (business ? 2 : 0); i++) {
      const c = rng.pick(this.sessionContracts);
      const card = this.cardOf(c.recipientId);
      const slot = this.slotFor(rng, c, day, card);
      if (!slot) continue;
      const now = minutes(slot.slot, 5);
      const bodies = Array.from({ length: rng.int(2, 4) }, () => this.body(this.terminalOf(c.providerId, rng), c, { workerPaymentId: slot.workerPaymentId, serviceStartAt: at(day, slot.slot) }));
      actions.push({ at: now, step: `concurrent ${c.recipientId}`, run: () => this.concurrent(c, bodies, now) });
    }
    // PAY-06/07: retroactive and makeup payments for past services, some refused.
    for (let i = 0; i < Math.ceil(this.world.contracts.length / 60); i++) {
      const c = rng.pick(this.sessionContracts);
      const back = rng.int(1, 45);
      const date = addDays(day, -back);
      const card = this.cardOf(c.recipientId);
      const slot = this.slotFor(rng, c, date, card);
      if (!slot) continue;
      const t = this.terminalOf(c.providerId, rng);
      const makeup = rng.chance(0.3);
      const reasonless = rng.chance(0.05);
      const body = this.body(t, c, {
        workerPaymentId: slot.workerPaymentId, serviceDate: date, serviceStartAt: at(date, slot.slot), kind: makeup ? 'MAKEUP' : 'RETRO',
        reason: reasonless ? null : makeup ? 'RESCHEDULED' : rng.pick(RETRO_REASONS),
      });
      const now = `${String(rng.int(10, 19)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
      actions.push({ at: now, step: `${body.kind.toLowerCase()} ${body.transactionId}`, run: () => this.pay(t, body, now) });
    }
    // §4.7: an offline upload of yesterday's services, sent twice.
    if (business && rng.chance(0.5)) {
      const provider = rng.pick(this.world.providers);
      const date = addDays(day, -1);
      const t = this.terminalOf(provider.providerId, rng);
      const items: PaymentRequestBody[] = [];
      for (const c of rng.shuffle(this.sessionContracts.filter((x) => x.providerId === provider.providerId)).slice(0, 8)) {
        const card = this.cardOf(c.recipientId);
        if (items.some((i) => i.cardNumber === card)) continue;
        const slot = this.slotFor(rng, c, date, card);
        if (slot) items.push(this.body(t, c, { workerPaymentId: slot.workerPaymentId, serviceDate: date, serviceStartAt: at(date, slot.slot), kind: 'RETRO', reason: 'SERVER_UNREACHABLE' }));
      }
      if (items.length) {
        actions.push({ at: '09:30', step: `batch ${items[0]!.transactionId}`, run: () => this.batch(t, items, '09:30') });
        actions.push({ at: '09:40', step: `re-upload ${items[0]!.transactionId}`, run: () => this.batch(t, items, '09:40') });
      }
    }
    // PAY-10: same-day cancels after the day's sessions; a cancel of an older payment is refused.
    actions.push({ at: '21:00', step: 'cancels', run: () => this.cancels(rng.fork('cancels')) });
    // SCR-02: night payments (held until the agency reviews them).
    for (let i = 0; i < (business ? 1 : 0); i++) {
      const c = rng.pick(this.sessionContracts);
      const v = this.auditor.voucher(c.recipientId, month, c.serviceCode);
      if (!v) continue;
      const card = this.cardOf(c.recipientId);
      const workers = this.workersFor(c);
      const worker = rng.pick(workers);
      if (!this.take([`w|${worker.workerPaymentId}|${day}|night`, `r|${c.recipientId}|${day}|night`])) continue;
      const t = this.terminalOf(c.providerId, rng);
      const now = minutes('23:00', rng.int(5, 50));
      const body = this.body(t, c, { workerPaymentId: worker.workerPaymentId, serviceStartAt: at(day, '23:00') });
      actions.push({ at: now, step: `night ${body.transactionId}`, run: () => this.pay(t, body, now) });
    }
    // PAY-11: refunds asked for, and decided by the agency the next day.
    actions.push({ at: '11:00', step: 'refunds', run: () => this.refunds(rng.fork('refunds')) });
    // EXC-01..03: claims for last month's sessions that could not be paid, some filed twice; decided the next day.
    if (business) {
      actions.push({ at: '11:10', step: 'claim decisions', run: () => this.decideClaims(rng.fork('claim decisions')) });
      for (let i = 0; i < Math.ceil(this.world.contracts.length / 80); i++) {
        const c = rng.pick(this.sessionContracts);
        const previous = addMonths(month, -1);
        const date = `${previous}-${String(rng.int(1, Number(lastDayOfMonth(previous).slice(8)))).padStart(2, '0')}`;
        if (date < c.from || date > c.to || this.auditor.voucher(c.recipientId, previous, c.serviceCode)?.paidDays.has(date)) continue;
        const worker = rng.pick(this.workersFor(c));
        const request = { serviceCode: c.serviceCode, reason: rng.pick(['CARD_LOST', 'TERMINAL_FAILURE', 'SYSTEM_ERROR']), reasonOccurredOn: date, recipientId: c.recipientId, workerId: worker.workerId, serviceDate: date, serviceStartAt: at(date, '09:00'), serviceEndAt: at(date, '10:00') };
        actions.push({ at: '13:30', step: `claim ${c.recipientId} ${date}`, run: () => this.fileClaim(c.providerId, request) });
        if (rng.chance(0.2)) actions.push({ at: '13:31', step: `claim again ${c.recipientId} ${date}`, run: () => this.fileClaim(c.providerId, request) });
        if (rng.chance(0.1)) actions.push({ at: '13:32', step: `second claim ${c.recipientId} ${date}`, run: () => this.fileClaim(c.providerId, { ...request, reason: 'SYSTEM_ERROR', reasonOccurredOn: date, workerId: request.workerId, serviceEndAt: at(date, '10:30') }) });
      }
    }
    // SCR-03/04/05: a death or a departure recorded days after the person's payments.
    if (business && rng.chance(0.35)) actions.push({ at: '14:00', step: 'late feed', run: () => this.lateFeed(rng.fork('late feed')) });
    // HOLD-03: a municipality holds one of today's payments (another municipality cannot); HOLD-01: providers withdraw some holds.
    if (business && rng.chance(0.6)) actions.push({ at: '20:55', step: 'manual hold', run: () => this.manualHold(rng.fork('manual hold')) });
    actions.push({ at: '15:30', step: 'withdrawals', run: () => this.withdrawals(rng.fork('withdrawals')) });
    // HOLD-01: providers answer some holds with a document (uploaded to S3 by a pre-signed URL).
    actions.push({ at: '15:15', step: 'submissions', run: () => this.submissions(rng.fork('submissions')) });
    // HOLD-02: the agency reviews night holds a few days old.
    actions.push({ at: '15:00', step: 'reviews', run: () => this.reviews(rng.fork('reviews')) });
    // REG-05: a card reported lost before the day's sessions is replaced; the old one is refused from then on.
    if (business && rng.chance(0.2)) actions.push({ at: '08:40', step: 'card lost', run: () => this.replaceCard(rng.fork('card lost')) });
    // REG-04: the municipality ends a contract (its last day yesterday); from today its payments are refused.
    if (business && rng.chance(0.15)) actions.push({ at: '08:50', step: 'contract ended', run: () => this.endContract(rng.fork('contract ended')) });
    // CMS-04/REG-01: an account the bank refuses is corrected by the agency (the provider may not), some days in.
    if (business && rng.chance(0.25)) actions.push({ at: '11:20', step: 'account change', run: () => this.changeAccount(rng.fork('account change')) });
    // PO-03/05: top-ups.
    for (const dep of this.world.deposits)
      if (dep.topUp?.day === day) actions.push({ at: '11:30', step: `top-up ${dep.municipalityCode} ${dep.programCode}`, run: () => this.deposit(dep.municipalityCode, dep.programCode, dep.topUp!.amount, at(day, '11:30')) });
    return actions;
  }

  // ——— acting and checking each answer ———

  private compare(step: string, expected: Expected, answer: Answer): boolean {
    const actual = { status: answer.status, code: answer.body?.error?.code, body: answer.body };
    if (answer.status !== expected.status || (expected.code && answer.body?.error?.code !== expected.code)) {
      this.fail(step, expected, actual);
      return false;
    }
    for (const [field, value] of Object.entries(expected.body ?? {}))
      if (JSON.stringify(answer.body?.[field]) !== JSON.stringify(value)) {
        this.fail(`${step} (${field})`, expected, actual);
        return false;
      }
    return true;
  }

  private tally(expected: Expected) {
    if (expected.status === 201) this.approved++;
    else if (expected.code) this.refused[expected.code] = (this.refused[expected.code] ?? 0) + 1;
  }

  private isGone(body: PaymentRequestBody): boolean {
    this.cardOf('');
    return this.gone.has(`r|${this.cardOwner.get(body.cardNumber)}`) || this.gone.has(`w|${body.workerPaymentId}`);
  }

  private async pay(t: SimTerminal & { businessNumber: string }, body: PaymentRequestBody, hhmm: string): Promise<void> {
    // Planned before a feed said the person died or left: not sent.
    if (this.isGone(body)) return this.count('payment not sent (person gone)');
    this.count(`payment ${body.kind}`);
    const now = at(this.today, hhmm);
    const expected = this.auditor.expectPayment(t.serial, body, now);
    await this.driver.setNow(now);
    const answer = await this.driver.terminal(t, 'POST', '/v1/terminal/payments', body, new Date(now));
    if (!this.compare(`payment ${body.transactionId} ${body.kind}`, expected, answer)) return;
    this.tally(expected);
    this.auditor.paymentAnswered(t.serial, body, now, expected, answer);
  }

  /** §4.6 sessions started today, by their start tag's transaction. */
  private readonly sessionOf = new Map<string, string>();

  private async tagStart(t: SimTerminal & { businessNumber: string }, body: TagBody, hhmm: string): Promise<void> {
    if (this.gone.has(`r|${this.cardOwner.get(body.cardNumber!)}`) || this.gone.has(`w|${body.workerPaymentId}`)) return this.count('session not started (person gone)');
    this.count('session start');
    const now = at(this.today, hhmm);
    const expected = this.auditor.expectStart(t.serial, body, now);
    await this.driver.setNow(now);
    const answer = await this.driver.terminal(t, 'POST', '/v1/terminal/sessions/start', body, new Date(now));
    if (!this.compare(`session start ${body.transactionId}`, expected, answer)) return;
    this.tally(expected);
    this.auditor.started(t.serial, body, now, expected, answer);
    if (expected.status === 201) this.sessionOf.set(body.transactionId, answer.body.sessionId);
  }

  private async tagEnd(t: SimTerminal & { businessNumber: string }, startTransactionId: string, body: TagBody, hhmm: string): Promise<void> {
    const sessionId = this.sessionOf.get(startTransactionId);
    if (!sessionId) return;
    this.count('session end');
    const now = at(this.today, hhmm);
    const expected = this.auditor.expectEnd(t.serial, sessionId, body, now);
    await this.driver.setNow(now);
    const answer = await this.driver.terminal(t, 'POST', `/v1/terminal/sessions/${sessionId}/end`, body, new Date(now));
    if (!this.compare(`session end ${sessionId}`, expected, answer)) return;
    if (expected.status === 201) this.approved++;
    else if (expected.code) this.refused[expected.code] = (this.refused[expected.code] ?? 0) + 1;
    this.auditor.ended(t.serial, sessionId, body, now, expected, answer);
  }

  private async batch(t: SimTerminal & { businessNumber: string }, all: PaymentRequestBody[], hhmm: string): Promise<void> {
    const items = all.filter((i) => !this.isGone(i));
    if (items.length === 0) return;
    this.count('offline batch');
    const now = at(this.today, hhmm);
    const answer = await this.driver.terminal(t, 'POST', '/v1/terminal/payments/batch', { items }, new Date(now));
    if (answer.status !== 207) return this.fail(`batch ${items[0]!.transactionId}`, { status: 207 }, answer);
    for (const [i, item] of items.entries()) {
      const result = answer.body.results[i];
      if (result?.transactionId !== item.transactionId) return this.fail(`batch item ${i}`, { transactionId: item.transactionId }, result);
      // Items are decided as if sent alone, in order: an item's expectation sees the ones before it.
      const e = this.auditor.expectPayment(t.serial, item, now);
      if (!this.compare(`batch item ${item.transactionId}`, e, { status: result.status, body: result.body })) return;
      this.tally(e);
      this.auditor.paymentAnswered(t.serial, item, now, e, { status: result.status, body: result.body });
    }
  }

  private async concurrent(c: SimContract, bodies: PaymentRequestBody[], hhmm: string): Promise<void> {
    if (bodies.some((b) => this.isGone(b))) return this.count('payment not sent (person gone)');
    this.count('concurrent group');
    const now = at(this.today, hhmm);
    const terminals = bodies.map((b) => this.world.terminals.find((t) => t.phone === b.terminalPhone)!);
    const first = this.auditor.expectPayment(terminals[0]!.serial, bodies[0]!, now);
    const answers = await this.driver.concurrently(() => Promise.all(bodies.map((b, i) => this.driver.terminal({ ...terminals[i]!, businessNumber: b.businessNumber }, 'POST', '/v1/terminal/payments', b, new Date(now)))));
    const winners = answers.filter((a) => a.status === 201);
    // PAY-05/08: at most one normal payment per card, service and day, however many race for it.
    if (first.status === 201) {
      if (winners.length !== 1) return this.fail(`concurrent ${c.recipientId}`, { approved: 1 }, answers.map((a) => a.body));
    }
    // The others are refused by what the winner took (its day, or its last session), as the auditor says below.
    // The winner first: the others are then refused by the day it took.
    const order = [...bodies.keys()].sort((a, b) => Number(answers[b]!.status === 201) - Number(answers[a]!.status === 201));
    for (const i of order) {
      const b = bodies[i]!;
      const e = this.auditor.expectPayment(terminals[i]!.serial, b, now);
      if (!this.compare(`concurrent ${b.transactionId}`, e, answers[i]!)) return;
      this.tally(e);
      this.auditor.paymentAnswered(terminals[i]!.serial, b, now, e, answers[i]!);
    }
  }

  private async cancels(rng: Rng): Promise<void> {
    const todays = [...this.auditor.payments.values()].filter((p) => p.approvalDay === this.today && p.status === 'APPROVED');
    const older = [...this.auditor.payments.values()].filter((p) => p.approvalDay < this.today && p.status === 'APPROVED');
    const chosen = [...rng.shuffle(todays).slice(0, Math.ceil(todays.length * 0.05)), ...(older.length && rng.chance(0.3) ? [rng.pick(older)] : [])];
    for (const p of chosen) {
      await this.cancel(p, rng);
      if (rng.chance(0.1)) await this.cancel(p, rng); // ALREADY_CANCELLED
      // PAY-06: a cancelled retroactive payment frees its service date for another one.
      if (p.kind === 'RETRO' && p.status === 'CANCELLED' && rng.chance(0.5)) {
        const c = this.world.contracts.find((x) => x.recipientId === p.recipientId && x.serviceCode === p.serviceCode)!;
        const t = this.terminalOf(p.providerId, rng);
        const body = this.body(t, c, { workerPaymentId: p.workerPaymentId, serviceDate: p.serviceDate, serviceStartAt: p.serviceStartAt, kind: 'RETRO', reason: 'CARD_DAMAGED' });
        await this.pay(t, body, '21:20');
      }
    }
  }

  private async cancel(p: ModelPayment, rng: Rng): Promise<void> {
    this.count('cancel');
    const t = this.terminalOf(p.providerId, rng);
    const now = at(this.today, '21:10');
    const expected = this.auditor.expectCancel(p.providerId, p.approvalNumber, now);
    const body = { transactionId: `S${this.options.seed}-${++this.txn}`, businessNumber: t.businessNumber, terminalPhone: t.phone };
    await this.driver.setNow(now);
    const answer = await this.driver.terminal(t, 'POST', `/v1/terminal/payments/${p.approvalNumber}/cancel`, body, new Date(now));
    if (this.compare(`cancel ${p.approvalNumber}`, expected, answer) && expected.status === 200) this.auditor.cancelled(p.approvalNumber);
  }

  private async refunds(rng: Rng): Promise<void> {
    const payments = [...this.auditor.payments.values()];
    // Yesterday's (and older) requests are decided first.
    for (const p of payments.filter((x) => x.refund?.state === 'REQUESTED')) {
      const approve = rng.chance(0.6);
      this.count(approve ? 'refund approved' : 'refund rejected');
      const answer = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/refunds/${p.refund!.refundId}/${approve ? 'approve' : 'reject'}`, { reason: '시뮬레이션 검토' });
      const ok = answer.status === 200 && answer.body.state === (approve ? 'APPROVED' : 'REJECTED');
      // After a lost answer the retry finds it decided (INVALID_STATE): the first decision stands.
      if (!ok && !(answer.retried && answer.body?.error?.code === 'INVALID_STATE')) return this.fail(`refund decision ${p.refund!.refundId}`, { status: 200, state: approve ? 'APPROVED' : 'REJECTED' }, answer);
      if (!ok) {
        const listed = (await this.driver.all({ role: 'agency' }, `/v1/refunds?providerId=${p.providerId}`)).find((r) => r.refundId === p.refund!.refundId);
        if (listed?.state !== (approve ? 'APPROVED' : 'REJECTED')) return this.fail(`refund decision ${p.refund!.refundId}`, { state: approve ? 'APPROVED' : 'REJECTED' }, listed);
      }
      this.auditor.refundDecided(p.approvalNumber, approve, at(this.today, '11:00'));
    }
    const candidates = payments.filter((x) => x.approvalDay < this.today && x.status === 'APPROVED' && !x.refund);
    for (const p of rng.shuffle(candidates).slice(0, Math.ceil(candidates.length * 0.01))) {
      this.count('refund request');
      const now = at(this.today, '11:00');
      const expected = this.auditor.expectRefundRequest(p.providerId, p.approvalNumber, now);
      const answer = await this.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'POST', '/v1/refunds', { approvalNumber: p.approvalNumber, reason: rng.pick(['OVERCHARGE', 'WRONG_SERVICE', 'NOT_DELIVERED']) });
      // A retry after a lost answer finds its own request (REFUND_ALREADY_REQUESTED): the refund exists.
      if (expected.status === 201 && answer.retried && answer.body?.error?.code === 'REFUND_ALREADY_REQUESTED') {
        const listed = (await this.driver.all({ role: 'agency' }, `/v1/refunds?providerId=${p.providerId}`)).find((r) => r.approvalNumber === p.approvalNumber);
        if (!listed) return this.fail(`refund ${p.approvalNumber}`, expected, answer);
        p.refund = { refundId: listed.refundId, state: 'REQUESTED' };
        continue;
      }
      if (answer.status !== expected.status) {
        // What the system holds of this payment, and the refunds it knows, beside the answer.
        const holds = (await this.holdsOf(p.providerId)).filter((h) => h.approvalNumber === p.approvalNumber);
        const refunds = (await this.driver.all({ role: 'agency' }, `/v1/refunds?providerId=${p.providerId}`)).filter((r) => r.approvalNumber === p.approvalNumber);
        return this.fail(`refund ${p.approvalNumber}`, { ...expected, model: { status: p.status, hold: p.hold, refund: p.refund } }, { ...answer, holds, refunds });
      }
      if (!this.compare(`refund ${p.approvalNumber}`, expected, answer)) return;
      if (expected.status === 201) p.refund = { refundId: answer.body.refundId, state: 'REQUESTED' };
    }
  }

  private async fileClaim(providerId: string, request: { serviceCode: string; reason: string; reasonOccurredOn: string; recipientId: string; workerId: string; serviceDate: string; serviceStartAt: string; serviceEndAt: string }): Promise<void> {
    this.count('claim');
    const now = at(this.today, '13:30');
    const expected = this.auditor.expectClaim(providerId, request, now);
    const answer = await this.driver.call({ role: 'provider', providerId, sub: `sim-${providerId}` }, 'POST', '/v1/claims', { ...request, preview: false });
    // After a lost answer the retry is answered with the claim it made (EXC-03: filing is idempotent).
    const replayed = expected.status === 201 && answer.retried > 0 && answer.status === 200;
    if (!replayed && !this.compare(`claim ${request.recipientId} ${request.serviceDate}`, expected, answer)) return;
    if (expected.status === 201) this.auditor.claimFiled(providerId, request, JSON.stringify(request), answer.body.claimId, answer.body.amount);
  }

  private async decideClaims(rng: Rng): Promise<void> {
    for (const claim of this.auditor.claims.values()) {
      if (claim.state !== 'RECEIVED') continue;
      const approve = rng.chance(0.7);
      this.count(approve ? 'claim approved' : 'claim rejected');
      const answer = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/claims/${claim.claimId}/${approve ? 'approve' : 'reject'}`, { reason: '시뮬레이션 심사' });
      const state = approve ? 'APPROVED' : 'REJECTED';
      if (!(answer.status === 200 && answer.body.state === state) && !(answer.retried && answer.status === 409)) return this.fail(`claim decision ${claim.claimId}`, { status: 200, state }, answer);
      claim.state = state;
    }
  }

  /**
   * SCR-05: the agency feeds a death or a departure (sometimes with the re-entry) dated inside the
   * open cycle, for a recipient or a worker with payments since; each of their approved payments
   * with a service date the record covers must be held (SCR-03 from the death date on, SCR-04
   * from the departure to the day before the re-entry). Its cycle has not been run, so every such
   * payment is still unpaid. The person takes no more payments. An unknown RRN is counted.
   */
  private async lateFeed(rng: Rng): Promise<void> {
    const dayOfMonth = Number(this.today.slice(8));
    const cycleStart = `${this.today.slice(0, 8)}${dayOfMonth <= 10 ? '01' : dayOfMonth <= 20 ? '11' : '21'}`;
    if (cycleStart >= this.today) return;
    const worker = rng.chance(0.4);
    const death = rng.chance(0.5);
    const keyOf = (p: ModelPayment) => (worker ? `w|${p.workerPaymentId}` : `r|${p.recipientId}`);
    const byPerson = new Map<string, ModelPayment[]>();
    for (const p of this.auditor.payments.values()) if (p.serviceDate >= cycleStart) byPerson.set(keyOf(p), [...(byPerson.get(keyOf(p)) ?? []), p]);
    const candidates = [...byPerson.keys()].filter((k) => !this.gone.has(k)).sort();
    if (candidates.length === 0) return;
    const person = rng.pick(candidates);
    const days = [...new Set(byPerson.get(person)!.map((p) => p.serviceDate))].sort();
    const from = rng.pick(days.filter((d) => d < this.today).length ? days.filter((d) => d < this.today) : days);
    const until = !death && rng.chance(0.4) ? days.find((d) => d > from) : undefined;
    const covers = (serviceDate: string) => serviceDate >= from && (until === undefined || serviceDate < until);
    const affected = [...this.auditor.payments.values()].filter((p) => keyOf(p) === person && p.status === 'APPROVED' && covers(p.serviceDate));
    // One hold per payment in the model: a person with a payment already held there is left for another day.
    if (affected.some((p) => p.hold)) return;
    const rrn = worker ? this.world.workers.find((w) => `w|${w.workerPaymentId}` === person)!.rrn : this.world.recipients.find((r) => `r|${r.recipientId}` === person)!.rrn;
    const unknown = rng.chance(0.3) ? [`990101-1${String(rng.int(0, 999_999)).padStart(6, '0')}`] : [];
    const records = death
      ? [rrn, ...unknown].map((r) => ({ rrn: r, deathDate: from }))
      : [...[rrn, ...unknown].map((r) => ({ rrn: r, direction: 'DEPARTURE', date: from })), ...(until ? [{ rrn, direction: 'ENTRY', date: until }] : [])];
    this.count(death ? 'late death record' : 'late departure record');
    const answer = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', death ? '/v1/feeds/deaths' : '/v1/feeds/immigration', { records });
    const expected = { received: records.length, matched: records.filter((r) => r.rrn === rrn).length, unknown: records.length - records.filter((r) => r.rrn === rrn).length };
    if (answer.status !== 200 || answer.body?.received !== expected.received || answer.body?.unknown !== expected.unknown) return this.fail(`late feed ${death ? 'deaths' : 'immigration'}`, { status: 200, ...expected }, answer);
    // The feed's re-screening is done at the feed's own instant (its holds carry that time in every run).
    await this.driver.drain();
    this.gone.add(person);
    const ruleId = death ? 'SCR-03' : 'SCR-04';
    for (const p of affected) {
      p.hold = { holdId: `H${p.approvalNumber}-${ruleId.replace('-', '')}`, ruleId, state: 'OPEN', raisedOn: this.today };
      this.feedHolds.push({ holdId: p.hold.holdId, ruleId, day: this.today });
      this.count(`${ruleId} hold from a late feed`);
    }
  }

  private async manualHold(rng: Rng): Promise<void> {
    const candidates = [...this.auditor.payments.values()].filter((p) => p.approvalDay === this.today && p.status === 'APPROVED' && !p.hold && !p.refund);
    if (!candidates.length) return;
    const p = rng.pick(candidates);
    const body = { providerId: p.providerId, approvalNumbers: [p.approvalNumber], comment: '현장 점검 필요' };
    // Tenancy: another municipality's officer cannot hold (nor learn of) it.
    const other = this.world.municipalities.find((m) => m !== p.municipalityCode);
    if (other) {
      this.count('manual hold elsewhere');
      const refused = await this.driver.call({ role: 'municipality', municipalityCode: other, sub: `sim-${other}` }, 'POST', '/v1/holds', body);
      if (refused.status !== 404) return this.fail(`manual hold of ${p.approvalNumber} by ${other}`, { status: 404 }, refused);
    }
    this.count('manual hold');
    const answer = await this.driver.call({ role: 'municipality', municipalityCode: p.municipalityCode, sub: `sim-${p.municipalityCode}` }, 'POST', '/v1/holds', body);
    const holdId = `H${p.approvalNumber}-HOLD03`;
    const placed = answer.status === 201 && answer.body.items?.[0]?.holdId === holdId;
    if (!placed && !(answer.retried && answer.body?.error?.code === 'ALREADY_HELD')) return this.fail(`manual hold of ${p.approvalNumber}`, { status: 201, holdId }, answer);
    p.hold = { holdId, ruleId: 'HOLD-03', state: 'OPEN' };
  }

  /**
   * HOLD-01 / §5: a provider announces a document for an open hold, stores it with the pre-signed
   * upload and submits it (UNPROCESSED or SUPPLEMENT_REQUESTED → DOCUMENTS_SUBMITTED).
   */
  private async submissions(rng: Rng): Promise<void> {
    const open = [...this.auditor.payments.values()].filter((p) => actionable(p, this.today) && p.approvalDay < this.today && p.hold!.stage !== 'DOCUMENTS_SUBMITTED');
    for (const p of open) {
      if (!rng.chance(p.hold!.stage === 'SUPPLEMENT_REQUESTED' ? 0.6 : 0.2)) continue;
      this.count('hold documents submitted');
      const provider = { role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` };
      const holdId = p.hold!.holdId;
      const document = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`근무일지 ${holdId}\n`)]);
      const issued = await this.driver.call(provider, 'POST', `/v1/holds/${holdId}/documents`, { fileName: `근무일지-${p.approvalNumber}.pdf`, contentType: 'application/pdf', size: document.length });
      if (issued.status !== 201 || !issued.body.upload?.url) return this.fail(`document for ${holdId}`, { status: 201 }, issued);
      const put = await fetch(issued.body.upload.url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: document });
      if (put.status !== 200) return this.fail(`upload for ${holdId}`, { status: 200 }, { status: put.status, body: await put.text() });
      const answer = await this.driver.call(provider, 'POST', '/v1/holds/actions', { action: 'SUBMIT', holdIds: [holdId], comment: '근무일지 첨부', documentKeys: [issued.body.documentKey] });
      const ok = answer.status === 200 && answer.body.items?.[0]?.state === 'DOCUMENTS_SUBMITTED';
      if (!ok && !(answer.retried && answer.status === 409)) return this.fail(`submit ${holdId}`, { status: 200, state: 'DOCUMENTS_SUBMITTED' }, answer);
      p.hold = { ...p.hold!, stage: 'DOCUMENTS_SUBMITTED' };
      this.staged.add(p.approvalNumber);
    }
  }

  private async replaceCard(rng: Rng): Promise<void> {
    const r = rng.pick(this.world.recipients);
    const old = this.cardOf(r.recipientId);
    const fresh = `9420${String(this.options.seed % 1_000).padStart(3, '0')}${String(++this.issued).padStart(9, '0')}`;
    this.count('card lost');
    const lost = await this.driver.call({ role: 'municipality', municipalityCode: r.municipalityCode, sub: `sim-${r.municipalityCode}` }, 'POST', `/v1/cards/${old}/report-loss`, {});
    if (lost.status !== 200 || lost.body?.status !== 'LOST') return this.fail(`card ${r.recipientId} reported lost`, { status: 200, state: 'LOST' }, lost);
    this.secrets.add(fresh);
    const replaced = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/cards/${old}/replace`, { newCardNumber: fresh });
    if (replaced.status !== 201 || replaced.body?.cardNumber !== fresh || replaced.body?.recipientId !== r.recipientId) return this.fail(`card of ${r.recipientId} replaced`, { status: 201, cardNumber: fresh }, replaced);
    // The model knows the recipient by the new card; the old one is no card of anyone's (CARD_INACTIVE).
    r.cardNumber = fresh;
    this.cards.set(r.recipientId, fresh);
    this.cardOwner.set(fresh, r.recipientId);
    // Now and then a worker still taps the old card: refused.
    const c = this.sessionContracts.find((x) => x.recipientId === r.recipientId);
    if (c && rng.chance(0.5)) {
      const t = this.terminalOf(c.providerId, rng);
      const body = { ...this.body(t, c, { workerPaymentId: rng.pick(this.workersFor(c)).workerPaymentId, serviceStartAt: at(this.today, '09:00') }), cardNumber: old };
      this.count('payment with a replaced card');
      await this.pay(t, body, '08:40');
    }
  }
  private issued = 0;

  private async endContract(rng: Rng): Promise<void> {
    const yesterday = addDays(this.today, -1);
    const running = this.world.contracts.filter((c) => c.from <= yesterday && c.to > this.today);
    if (!running.length) return;
    const c = rng.pick(running);
    const municipalityCode = this.world.recipients.find((r) => r.recipientId === c.recipientId)!.municipalityCode;
    const path = `/v1/contracts/${c.contractId}/terminate`;
    const body = { on: yesterday, reason: '서비스 미이용' };
    // Another municipality's officer does not see the contract.
    const other = this.world.municipalities.find((m) => m !== municipalityCode);
    if (other) {
      this.count('contract end elsewhere');
      const refused = await this.driver.call({ role: 'municipality', municipalityCode: other, sub: `sim-${other}` }, 'POST', path, body);
      if (refused.status !== 404) return this.fail(`end of ${c.contractId} by ${other}`, { status: 404 }, refused);
    }
    this.count('contract ended');
    const answer = await this.driver.call({ role: 'municipality', municipalityCode, sub: `sim-${municipalityCode}` }, 'POST', path, body);
    if (answer.status !== 200 || answer.body?.status !== 'TERMINATED' || answer.body?.to !== yesterday) return this.fail(`end of ${c.contractId}`, { status: 200, state: 'TERMINATED', to: yesterday }, answer);
    // The model's contract ends with it: today's payments find no contract, no voucher after its month.
    c.to = yesterday;
  }

  /** Accounts corrected (CMS-04), and the day: what the bank refused on the old one is paid to the new one. */
  private readonly corrected = new Map<string, string>();

  private async changeAccount(rng: Rng): Promise<void> {
    const wrong = this.world.providers.flatMap((p) => p.accounts.filter((a) => refusedAccount(a.accountNumber)).map((a) => ({ p, a })));
    if (!wrong.length) return;
    const { p, a } = rng.pick(wrong);
    const account = { bankCode: a.bankCode, accountNumber: `${a.accountNumber.slice(0, -4)}${String(rng.int(1_000, 9_999))}`, holder: a.holder };
    if (refusedAccount(account.accountNumber)) return;
    const path = `/v1/providers/${p.providerId}/accounts/${a.programCode}`;
    // REG-01: the provider itself may not change where it is paid.
    this.count('account change by the provider');
    const refused = await this.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'PUT', path, account);
    if (refused.status !== 403 || refused.body?.error?.code !== 'FORBIDDEN') return this.fail(`account change of ${p.providerId} by the provider`, { status: 403, code: 'FORBIDDEN' }, refused);
    this.count('account change');
    const answer = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'PUT', path, account);
    const expected = { providerId: p.providerId, programCode: a.programCode, ...account };
    if (answer.status !== 200 || JSON.stringify(answer.body) !== JSON.stringify(expected)) return this.fail(`account change of ${p.providerId} ${a.programCode}`, { status: 200, body: expected }, answer);
    Object.assign(a, account);
    this.corrected.set(`${p.providerId}|${a.programCode}`, this.today);
    // REG-08: the change is in the provider's history, the account number masked.
    const history = await this.driver.call({ role: 'agency' }, 'GET', `/v1/audit?entity=provider&id=${p.providerId}`);
    const entry = history.body?.items?.[0];
    if (entry?.action !== 'ACCOUNT_CHANGED' || entry.by !== 'sim-agency' || JSON.stringify(entry).includes(account.accountNumber))
      return this.fail(`history of ${p.providerId}`, { action: 'ACCOUNT_CHANGED', by: 'sim-agency', masked: true }, history);
  }

  private async withdrawals(rng: Rng): Promise<void> {
    const open = [...this.auditor.payments.values()].filter((p) => actionable(p, this.today) && p.approvalDay < this.today);
    for (const p of open) {
      if (!rng.chance(0.15)) continue;
      // §5: a submitted hold waits for the agency; the provider can no longer withdraw it, and nothing moves.
      if (p.hold!.stage === 'DOCUMENTS_SUBMITTED') {
        this.count('withdrawal of a submitted hold');
        const refused = await this.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [p.hold!.holdId], comment: '청구 철회' });
        if (refused.status !== 409 || refused.body?.error?.code !== 'ILLEGAL_TRANSITION') return this.fail(`withdraw submitted ${p.hold!.holdId}`, { status: 409, code: 'ILLEGAL_TRANSITION' }, refused);
        continue;
      }
      this.count('hold withdrawn');
      const answer = await this.driver.call({ role: 'provider', providerId: p.providerId, sub: `sim-${p.providerId}` }, 'POST', '/v1/holds/actions', { action: 'WITHDRAW', holdIds: [p.hold!.holdId], comment: '청구 철회' });
      const ok = answer.status === 200 && answer.body.items?.[0]?.state === 'WITHDRAWN';
      if (!ok && !(answer.retried && answer.status === 409)) return this.fail(`withdraw ${p.hold!.holdId}`, { status: 200, state: 'WITHDRAWN' }, answer);
      p.hold = { ...p.hold!, state: 'WITHDRAWN', decidedAt: at(this.today, '15:30') };
    }
  }

  private async reviews(rng: Rng): Promise<void> {
    const open = [...this.auditor.payments.values()].filter((p) => actionable(p, this.today) && p.approvalDay <= addDays(this.today, -2));
    for (const p of open) {
      if (!rng.chance(0.5)) continue;
      // §5: the agency asks for more on some submitted holds; the provider submits again.
      if (p.hold!.stage === 'DOCUMENTS_SUBMITTED' && rng.chance(0.25)) {
        this.count('review SUPPLEMENT_REQUESTED');
        const answer = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/holds/${p.hold!.holdId}/review`, { state: 'SUPPLEMENT_REQUESTED', reason: '서명 누락' });
        const ok = answer.status === 200 && answer.body.state === 'SUPPLEMENT_REQUESTED';
        if (!ok && !(answer.retried && answer.status === 409)) return this.fail(`supplement ${p.hold!.holdId}`, { status: 200, state: 'SUPPLEMENT_REQUESTED' }, answer);
        p.hold = { ...p.hold!, stage: 'SUPPLEMENT_REQUESTED' };
        this.staged.add(p.approvalNumber);
        continue;
      }
      const decision = rng.chance(0.7) ? 'PAY' : 'NO_PAY';
      this.count(`review ${decision}`);
      const answer = await this.driver.call({ role: 'agency', sub: 'sim-agency' }, 'POST', `/v1/holds/${p.hold!.holdId}/review`, { state: 'REVIEWED', decision, reason: '시뮬레이션 검토' });
      const ok = answer.status === 200 && answer.body.state === 'REVIEWED' && answer.body.decision === decision;
      if (!ok && !(answer.retried && answer.status === 409)) return this.fail(`review ${p.hold!.holdId}`, { status: 200, state: 'REVIEWED', decision }, answer);
      p.hold = { ...p.hold!, state: decision, decidedAt: at(this.today, '15:00') };
    }
  }

  // ——— the day's money ———

  private async checkDay(day: string): Promise<void> {
    const d = this.driver;
    const now = at(day, '23:58');
    // PO-08: the report balances, and counts every won deposited.
    const report = await d.call({ role: 'agency' }, 'GET', '/v1/reports/conservation');
    if (report.body?.balanced !== true) return this.fail('conservation report', { balanced: true }, report.body);
    if (report.body.totals?.deposited !== this.auditor.totalDeposited) return this.fail('conservation deposited', this.auditor.totalDeposited, report.body.totals);
    // SCR-02: every night payment of the day is held.
    for (const p of this.auditor.payments.values())
      if (p.approvalDay === day && p.hold?.state === 'OPEN') {
        const hold = await d.call({ role: 'agency' }, 'GET', `/v1/holds/${p.hold.holdId}`);
        if (hold.status !== 200 || hold.body.ruleId !== p.hold.ruleId) return this.fail(`hold of ${p.approvalNumber}`, { ruleId: p.hold.ruleId }, hold);
      }
    // SCR-05: the holds the day's late feeds must have raised.
    for (const f of this.feedHolds.filter((h) => h.day === day)) {
      const hold = await d.call({ role: 'agency' }, 'GET', `/v1/holds/${f.holdId}`);
      if (hold.status !== 200 || hold.body.ruleId !== f.ruleId) return this.fail(`late-feed hold ${f.holdId}`, { status: 200, ruleId: f.ruleId }, { status: hold.status, body: hold.body });
    }
    // §5: a hold submitted or sent back today stands so, unless decided, voided or withdrawn since.
    for (const approvalNumber of this.staged) {
      const { hold: h } = this.auditor.payments.get(approvalNumber)!;
      if (h?.state !== 'OPEN' || !h.stage) continue;
      const hold = await d.call({ role: 'agency' }, 'GET', `/v1/holds/${h.holdId}`);
      if (hold.status !== 200 || hold.body.state !== h.stage) return this.fail(`hold ${h.holdId} after the day`, { status: 200, state: h.stage }, { status: hold.status, state: hold.body?.state });
    }
    this.staged.clear();
    // PAY-12: a sample of balances as terminals see them.
    const rng = new Rng(this.options.seed, `balances ${day}`);
    for (const c of rng.shuffle(this.world.contracts).slice(0, 3)) {
      const v = this.auditor.voucher(c.recipientId, day.slice(0, 7), c.serviceCode);
      if (!v) continue;
      const t = this.terminalOf(c.providerId, rng);
      const card = this.cardOf(c.recipientId);
      const answer = await d.terminal(t, 'GET', `/v1/terminal/cards/${card}/balance?serviceCode=${c.serviceCode}`, undefined, new Date(now));
      // An ended contract answers no balance to its provider's terminal (PAY-03).
      if (c.to < day) {
        if (answer.body?.error?.code !== 'NO_CONTRACT') return this.fail(`balance ${c.recipientId} ${c.serviceCode} after its contract`, { code: 'NO_CONTRACT' }, answer.body);
        continue;
      }
      // TIME-05: a time voucher shows its minutes instead of sessions.
      const left = v.minutesLeft !== undefined ? { remainingAmount: v.remaining, remainingMinutes: v.minutesLeft } : { remainingAmount: v.remaining, remainingSessions: v.sessionsLeft };
      if (Object.entries(left).some(([k, x]) => answer.body?.[k] !== x)) return this.fail(`balance ${c.recipientId} ${c.serviceCode}`, left, answer.body);
    }
    // PO-01: every cycle whose run time has passed is paid as itself, on its pay day.
    const due = this.auditor.cyclesDue(now);
    const byProvider = new Map<string, any[]>();
    for (const entry of due.values()) {
      if (entry.approved <= 0) continue;
      // A lost run is made by the next one (PO-01): the payout is due once a run from the run day was delivered.
      const ran = this.faults.schedules.some((s) => s.name === 'payout-batch' && s.delivery !== 'skip' && s.scheduledTime >= `${entry.runDay}T01:00:00+09:00`);
      if (!ran) continue;
      if (!byProvider.has(entry.providerId)) byProvider.set(entry.providerId, await d.all({ role: 'agency' }, `/v1/payouts?providerId=${entry.providerId}`));
      const payout = byProvider.get(entry.providerId)!.find((p) => p.payoutId === `PO-${entry.cycle}-${entry.providerId}-${entry.programCode}`);
      if (!payout) return this.fail(`PO-01 payout of cycle ${entry.cycle} ${entry.providerId} ${entry.programCode}`, entry, byProvider.get(entry.providerId)!.map((p) => p.payoutId));
      const movedByCms = payout.payDateReason === 'CUTOFF_MISSED' && payout.payDate > entry.payDay && isBusinessDay(payout.payDate);
      if (payout.payDate !== entry.payDay && !movedByCms) return this.fail(`PO-01 pay day of ${payout.payoutId}`, entry.payDay, { payDate: payout.payDate, payDateReason: payout.payDateReason });
      // Too close to close: the payout says why its day moved.
      if (!movedByCms && (payout.payDateReason === 'AFTER_CYCLE_CLOSE') !== entry.moved) return this.fail(`PO-01 payDateReason of ${payout.payoutId}`, entry.moved ? 'AFTER_CYCLE_CLOSE' : null, { payDateReason: payout.payDateReason, payout, runs: this.faults.schedules.filter((s) => s.name === 'payout-batch' && s.scheduledTime >= `${entry.runDay}T00:00:00+09:00`).slice(0, 4) });
    }
    const dead = await d.deadLetters();
    if (Object.keys(dead).length) return this.fail('dead letters', {}, { dead, stackErrors: d.stackErrors.slice(-5), errors: this.errorsBesideFaults(), errorKinds: this.errorKinds() });
  }

  /** The handlers' last errors, the injected faults' own messages left out: what the system made of them. */
  private errorKinds(): Record<string, number> {
    const kinds: Record<string, number> = {};
    for (const l of this.errorLines) {
      const m = /"message":"([^"]*)".*?"error":\{"name":"([^"]*)"(?:,"location":"[^"]*")?,"message":"([^"]{0,120})/.exec(l);
      const k = m ? `${m[1]} · ${m[2]}: ${m[3]}` : l.slice(0, 160);
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
    return kinds;
  }

  private errorsBesideFaults(): string[] {
    return [...new Set(this.errorLines.filter((l) => !/"message":"[^"]*\(simulated\)"/.test(l.replace(/"stack":"[^"]*"/g, ''))).map((l) => l.replace(/"timestamp":"[^"]*",|"function_request_id":"[^"]*",|"messageId":"[^"]*",/g, '')))].slice(-5);
  }

  /** The provider's holds over the whole run, a month at a time (the list's longest range). */
  private async holdsOf(providerId: string): Promise<any[]> {
    const holds: any[] = [];
    for (let from = addDays(this.firstDay, -45); from <= this.lastDay; from = addDays(from, 31))
      holds.push(...(await this.driver.all({ role: 'agency' }, `/v1/holds?providerId=${providerId}&from=${from}&to=${addDays(from, 30)}`)));
    return holds;
  }

  /** After the last day: days without activity until every cycle of the run is paid and its result in. */
  private async settle(): Promise<void> {
    const lastCycle = cycleOf(this.lastDay);
    let end = lastCycle.payDay;
    for (let i = 0; i < 3; i++) end = nextBusinessDay(end);
    this.faults.enabled = false;
    for (let day = addDays(this.lastDay, 1); day <= end && this.auditor.disagreements.length === 0; day = addDays(day, 1)) await this.simulateDay(day, false);
    if (this.auditor.disagreements.length === 0) await this.checkSettled();
  }

  /**
   * PO-02..05, CMS-01/04, no money lost or paid twice: per provider × program, what the payouts
   * paid and the delays still open (a failed transfer's amount among them) add up to what the
   * auditor says is owed; every CMS file carries exactly the transfers of its date.
   */
  private async checkSettled(): Promise<void> {
    const d = this.driver;
    const owed = this.auditor.owed();
    const files = await d.all({ role: 'agency' }, '/v1/cms/files');
    const filed = new Map<string, number>();
    for (const f of files) if (['TRANSMITTED', 'RECEIVING', 'RECEIVED', 'FLAGGED'].includes(f.state)) filed.set(f.transferDate, (filed.get(f.transferDate) ?? 0) + f.totalAmount);
    const sent = new Map<string, number>();
    for (const provider of this.world.providers) {
      const payouts = await d.all({ role: 'agency' }, `/v1/payouts?providerId=${provider.providerId}`);
      const delays = (await d.call({ role: 'agency' }, 'GET', `/v1/delays?providerId=${provider.providerId}`)).body.items as any[];
      for (const programCode of provider.programs) {
        const mine = payouts.filter((p) => p.programCode === programCode);
        const paid = mine.filter((p) => ['SCHEDULED', 'SENT', 'PAID'].includes(p.status)).reduce((s, p) => s + p.amount, 0);
        const failed = mine.filter((p) => p.status === 'FAILED').reduce((s, p) => s + p.amount, 0);
        const delayed = delays.filter((x) => x.programCode === programCode).reduce((s, x) => s + x.amount, 0);
        const expected = owed.get(`${provider.providerId}|${programCode}`) ?? 0;
        // CMS-04: a failed transfer's amount is payable again (a delay until the account is corrected), so it is counted there.
        // Once corrected (days before the settling's ad-hoc runs), it is paid to the new account: no such delay is left.
        const correctedOn = this.corrected.get(`${provider.providerId}|${programCode}`);
        const leftOver = delays.filter((x) => x.programCode === programCode && x.reason === 'OTHER');
        if (correctedOn && leftOver.length) return this.fail(`CMS-04 ${provider.providerId} ${programCode} corrected on ${correctedOn}`, { delayedForTheOldAccount: 0 }, { delays: leftOver, payouts: mine.map((p) => ({ id: p.payoutId, amount: p.amount, status: p.status, payDate: p.payDate, resultCode: p.resultCode })) });
        if (paid + delayed !== expected) {
          // What the system holds that the auditor does not, and the other way round, names the difference.
          const holds = await this.holdsOf(provider.providerId);
          const modelHolds = [...this.auditor.payments.values()].filter((p) => p.providerId === provider.providerId && p.hold).map((p) => p.hold!.holdId);
          const unexpected = holds.filter((h) => !modelHolds.includes(h.holdId)).map((h) => ({ holdId: h.holdId, ruleId: h.ruleId, state: h.state, amount: h.amount, evidence: h.evidence }));
          const report = (await d.call({ role: 'agency' }, 'GET', '/v1/reports/conservation')).body;
          // Per day: what the auditor says is owed beside the stored bucket of that day.
          const byDay = new Map<string, { owed: number; approvals: string[] }>();
          for (const p of this.auditor.payments.values()) {
            if (p.providerId !== provider.providerId || p.programCode !== programCode) continue;
            const e = byDay.get(`${p.approvalDay}#${p.municipalityCode}`) ?? { owed: 0, approvals: [] };
            const counts = p.status !== 'CANCELLED' && (!p.hold || p.hold.state === 'PAY') && p.refund?.state !== 'APPROVED';
            e.owed += counts ? p.amount : 0;
            const facts = (await d.factsOf(p.approvalNumber)).join('+');
            e.approvals.push(`${p.approvalNumber}:${p.amount}:${p.kind}:${p.status}${p.hold ? `:hold ${p.hold.state}` : ''}${p.refund ? `:refund ${p.refund.state}` : ''}:facts ${facts}`);
            byDay.set(`${p.approvalDay}#${p.municipalityCode}`, e);
          }
          const all = await d.buckets(provider.providerId, programCode);
          const perMunicipality: Record<string, { unsettled: number; delayed: number; unscreened: number }> = {};
          for (const b of all) {
            const m = (perMunicipality[String(b.municipalityCode)] ??= { unsettled: 0, delayed: 0, unscreened: 0 });
            m.unsettled += Number(b.unsettled ?? 0);
            m.unscreened += Number(b.unscreened ?? 0);
          }
          for (const x of delays.filter((y) => y.programCode === programCode)) (perMunicipality[x.municipalityCode] ??= { unsettled: 0, delayed: 0, unscreened: 0 }).delayed += x.amount;
          const buckets = all.filter((b) => Number(b.unsettled ?? 0) !== 0 || Number(b.unscreened ?? 0) !== 0).map((b) => ({ ...b, model: byDay.get(String(b.SK)) }));
          return this.fail(`money of ${provider.providerId} ${programCode}`, { owed: expected, holds: modelHolds }, { paid, failed, delayed, perMunicipality, unexpectedHolds: unexpected, report, buckets, payouts: mine.map((p) => ({ id: p.payoutId, amount: p.amount, status: p.status, payDate: p.payDate })), delays });
        }
        for (const p of mine) if (p.amount > 0 && ['SENT', 'PAID', 'FAILED'].includes(p.status)) sent.set(p.payDate, (sent.get(p.payDate) ?? 0) + p.amount);
        // CMS-05: no drawn amount is left without a file: after settling, nothing with money is still SCHEDULED.
        const stranded = mine.filter((p) => p.amount > 0 && p.status === 'SCHEDULED');
        if (stranded.length) return this.fail(`CMS-05 payouts of ${provider.providerId} ${programCode} never sent`, [], stranded.map((p) => ({ id: p.payoutId, amount: p.amount, payDate: p.payDate })));
      }
    }
    // No session paid twice (a payment and a claim, or two payments, for one card × service × date).
    for (const twice of this.auditor.sessionsPaidTwice()) return this.fail('a session paid twice', 'at most one payment or claim per session', twice);
    for (const date of new Set([...filed.keys(), ...sent.keys()]))
      if ((filed.get(date) ?? 0) !== (sent.get(date) ?? 0)) {
        const near = (x: string) => x >= addDays(date, -7) && x <= addDays(date, 7);
        const payouts = (await Promise.all(this.world.providers.map((p) => d.all({ role: 'agency' }, `/v1/payouts?providerId=${p.providerId}`)))).flat().filter((p) => near(p.payDate) && p.amount > 0);
        const detail = await Promise.all(files.filter((f) => near(f.transferDate)).map(async (f) => ({ ...f, detail: (await d.call({ role: 'agency' }, 'GET', `/v1/cms/files/${f.fileId}`)).body })));
        return this.fail(`CMS-01 file of ${date}`, { payouts: sent.get(date) ?? 0 }, { files: filed.get(date) ?? 0, cmsFiles: detail, payouts: payouts.map((p) => ({ id: p.payoutId, amount: p.amount, status: p.status, payDate: p.payDate, payDateReason: p.payDateReason })), cms: this.requests });
      }
  }
}

/** Shrinking keeps the first providers and recipients (and what refers to them). */
function keepOnly(world: SimWorld, keep: SimOptions['keep']): SimWorld {
  if (!keep) return world;
  const providers = world.providers.slice(0, keep.providers ?? world.providers.length);
  const ids = new Set(providers.map((p) => p.providerId));
  const recipients = world.recipients.slice(0, keep.recipients ?? world.recipients.length);
  const rids = new Set(recipients.map((r) => r.recipientId));
  const contracts = world.contracts.filter((c) => ids.has(c.providerId) && rids.has(c.recipientId));
  const used = new Set(recipients.map((r) => r.municipalityCode));
  return {
    ...world,
    providers,
    workers: world.workers.filter((w) => ids.has(w.providerId)),
    terminals: world.terminals.filter((t) => ids.has(t.providerId)),
    recipients,
    contracts,
    deposits: world.deposits.filter((d) => used.has(d.municipalityCode)),
  };
}

