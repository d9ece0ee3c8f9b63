/**
 * What every act of a simulation shares: the world, the auditor, the stack, the simulated day
 * and the workload's bookkeeping (slots taken, people gone, cards issued), with the helpers that
 * build requests and check answers against the auditor.
 */
import { addDays, addMonths, at } from './calendar';
import { DEFAULT_RATES, Faults, type FaultRates } from './faults';
import { Auditor, type Expected, type PaymentRequestBody } from './model';
import { Rng } from './rng';
import type { Answer, StackDriver } from './stack-driver';
import { buildWorld, isTimeService, service, type SimContract, type SimTerminal, type SimWorld, sizeOf, workerEligible } from './world';

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

const SLOTS = ['10:00', '12:00', '14:00', '16:00', '18:00', '20:00'];
export const minutes = (hhmm: string, delta: number) => {
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

export class SimContext {
  readonly world: SimWorld;
  readonly auditor: Auditor;
  readonly faults: Faults;
  driver!: StackDriver;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly requests: Record<string, number> = {};
  readonly refused: Record<string, number> = {};
  approved = 0;
  today = '';

  /** Worker and card slots taken per service date (keeps SCR-01 to the cases the workload means). */
  readonly slots = new Set<string>();
  txn = 0;

  /** SCR-03/04: cards and workers whose death or departure was fed; they take no more payments. */
  readonly gone = new Set<string>();

  /** The contracts of session programs: what the session-payment workload picks from (§4.6 has its own). */
  get sessionContracts(): SimContract[] {
    return this.world.contracts.filter((c) => !isTimeService(c.serviceCode));
  }

  /** SCR-05: the holds a late feed must have raised, checked once the day is drained. */
  feedHolds: { holdId: string; ruleId: string; day: string }[] = [];

  /** §5: payments whose open hold moved between provider and agency today, checked once the day is drained. */
  readonly staged = new Set<string>();

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

  count(kind: string) {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
  }

  fail(step: string, expected: unknown, actual: unknown) {
    this.auditor.fail(this.today, step, expected, actual);
  }

  readonly cards = new Map<string, string>();

  /** Personal data no log line may carry (cards issued during the run join it). */
  readonly secrets = new Set<string>();

  /** Every card ever issued, and whose (a replaced card stays its recipient's, refused). */
  readonly cardOwner = new Map<string, string>();

  /** A recipient's card number. */
  cardOf(recipientId: string): string {
    if (this.cards.size === 0) for (const r of this.world.recipients) {
      this.cards.set(r.recipientId, r.cardNumber);
      this.cardOwner.set(r.cardNumber, r.recipientId);
    }
    return this.cards.get(recipientId)!;
  }

  /** The workers of the contract's provider under contract for its program. */
  /**
   * The workers of the contract's provider under contract for its program on `date` (REG-02), less
   * those the day's registry changes take away from today on (the workload does not send them).
   */
  workersFor(c: SimContract, date = this.today) {
    const programCode = service(c.serviceCode).programCode;
    return this.world.workers.filter((w) => w.providerId === c.providerId && workerEligible(w, programCode, date) && !(date >= this.today && this.leaving.has(`${w.workerPaymentId}|${programCode}`)));
  }

  /** The day's registry changes, chosen before its workload: workers leaving (`id|program`) and terminals cancelled today. */
  readonly leaving = new Set<string>();
  readonly retiring = new Set<string>();

  terminalOf(providerId: string, rng: Rng): SimTerminal & { businessNumber: string } {
    const provider = this.world.providers.find((p) => p.providerId === providerId)!;
    // REG-03: an active terminal (not one the day's changes cancel).
    return { ...rng.pick(this.world.terminals.filter((t) => t.providerId === providerId && !t.cancelled && !this.retiring.has(t.serial))), businessNumber: provider.businessNumber };
  }

  take(keys: string[]): boolean {
    if (keys.some((k) => this.slots.has(k))) return false;
    for (const k of keys) this.slots.add(k);
    return true;
  }

  /** A free slot on `date` for a worker of the contract's provider and the card; null when all are taken. */
  slotFor(rng: Rng, c: SimContract, date: string, card: string): { slot: string; workerPaymentId: string } | null {
    const workers = this.workersFor(c, date);
    for (const slot of rng.shuffle(SLOTS)) {
      const worker = rng.pick(workers);
      if (this.take([`w|${worker.workerPaymentId}|${date}|${slot}`, `r|${c.recipientId}|${date}|${slot}`])) return { slot, workerPaymentId: worker.workerPaymentId };
    }
    return null;
  }

  body(t: SimTerminal & { businessNumber: string }, c: SimContract, over: Partial<PaymentRequestBody>): PaymentRequestBody {
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

  compare(step: string, expected: Expected, answer: Answer): boolean {
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

  tally(expected: Expected) {
    if (expected.status === 201) this.approved++;
    else if (expected.code) this.refused[expected.code] = (this.refused[expected.code] ?? 0) + 1;
  }

  isGone(body: PaymentRequestBody): boolean {
    this.cardOf('');
    return this.gone.has(`r|${this.cardOwner.get(body.cardNumber)}`) || this.gone.has(`w|${body.workerPaymentId}`);
  }

  /** §4.6 sessions started today, by their start tag's transaction. */
  readonly sessionOf = new Map<string, string>();
  issued = 0;

  /** Accounts corrected (CMS-04), and the day: what the bank refused on the old one is paid to the new one. */
  readonly corrected = new Map<string, string>();

  /** The provider's holds over the whole run, a month at a time (the list's longest range). */
  async holdsOf(providerId: string): Promise<any[]> {
    const holds: any[] = [];
    for (let from = addDays(this.firstDay, -45); from <= this.lastDay; from = addDays(from, 31))
      holds.push(...(await this.driver.all({ role: 'agency' }, `/v1/holds?providerId=${providerId}&from=${from}&to=${addDays(from, 30)}`)));
    return holds;
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


