/**
 * Settlement in memory — ledger buckets, deposits and payouts — with the adapters' conditions: a
 * fact is applied once; a payout is written once, only if every bucket it settles is still at the
 * version read and every deposit covers its draw, all or nothing; a refused transfer comes back
 * once and only from SENT. Passes the same contract suite as the DynamoDB stores.
 */
import { EMPTY_TOTALS, type Bucket, type BucketTotals, type LedgerFact, type PayoutPlan, unsettled } from '../../domain/settlement/ledger';
import type { Payout } from '../../domain/settlement/payout';
import type { DepositAllocation } from '../../domain/settlement/allocation';
import type { BucketRef, DelayRecord, DepositAccount, DepositEntry, DepositLedger, DepositMovement, DepositPort, ForecastFacts, LedgerPort, Payee, PayoutPort, PayoutRecords } from '../../domain/settlement/ports';
import { addMonths } from '../../domain/shared/calendar';
import type { PageRequest } from '../../domain/shared/ports';
import { pageOfList } from './paging';

type StoredPayout = Payout & { instructionQueuedAt?: string; returnedAt?: string };
interface DepositOut {
  municipalityCode: string;
  programCode: string;
  payoutId: string;
  amount: number;
  returned?: boolean;
  providerId: string;
  payDate: string;
  at: string;
}

const bucketId = (r: BucketRef) => `${r.providerId}|${r.programCode}|${r.day}|${r.municipalityCode}`;
const accountId = (m: string, g: string) => `${m}|${g}`;

export class InMemorySettlement implements LedgerPort, DepositPort, PayoutRecords {
  readonly bucketMap = new Map<string, Bucket & { lastSettledAt?: string }>();
  readonly facts = new Set<string>();
  readonly accounts = new Map<string, DepositAccount>();
  readonly depositsIn = new Map<string, DepositEntry>();
  readonly depositsOut: DepositOut[] = [];
  readonly payouts = new Map<string, StoredPayout>();
  readonly delayRecords = new Map<string, DelayRecord>();
  readonly rejected = new Map<string, { bankCode: string; accountNumber: string }>();
  readonly payeesByShard = new Map<number, Payee[]>();
  /** What vouchers grant per municipality × program × month (kept by voucher generation). */
  readonly granted = new Map<string, Map<string, number>>();

  /** Adds `deltas` to a bucket, creating it open (the adapters' `bucketUpdate`). */
  addToBucket(ref: BucketRef, deltas: Partial<BucketTotals>): void {
    const b = this.bucketMap.get(bucketId(ref)) ?? { ...EMPTY_TOTALS, providerId: ref.providerId, programCode: ref.programCode, municipalityCode: ref.municipalityCode, day: ref.day, version: 0 };
    for (const [k, v] of Object.entries(deltas) as [keyof BucketTotals, number][]) b[k] += v ?? 0;
    b.version++;
    this.bucketMap.set(bucketId(ref), b);
    this.open.add(bucketId(ref));
  }
  /** §5: no payout settled from the day yet, or it still has `amount` unpaid, as the adapter's guard. */
  stillUnpaid(ref: BucketRef, amount: number): boolean {
    const b = this.bucketMap.get(bucketId(ref));
    return b?.lastSettledAt === undefined || unsettled(b) >= amount;
  }
  /** Buckets in the sparse open index. */
  private readonly open = new Set<string>();

  // LedgerPort
  async apply(fact: LedgerFact) {
    if (this.facts.has(fact.factId)) return 'duplicate' as const;
    this.facts.add(fact.factId);
    this.addToBucket(fact, fact.deltas);
    return 'applied' as const;
  }
  async applyAll(facts: readonly LedgerFact[]) {
    const out: ('applied' | 'duplicate')[] = [];
    for (const f of facts) out.push(await this.apply(f));
    return out;
  }
  async bucket(ref: BucketRef) {
    return structuredClone(this.bucketOf(ref));
  }
  private bucketOf(ref: BucketRef): Bucket | null {
    const b = this.bucketMap.get(bucketId(ref));
    if (!b) return null;
    const { lastSettledAt: _, ...bucket } = b;
    return bucket;
  }
  async buckets(providerId: string, programCode: string, from: string, to: string) {
    return this.sorted().filter((b) => b.providerId === providerId && b.programCode === programCode && b.day >= from && b.day <= to);
  }
  private sorted(): Bucket[] {
    return [...this.bucketMap.values()].map((b) => this.bucketOf(b)!).sort((a, b) => a.day.localeCompare(b.day) || a.municipalityCode.localeCompare(b.municipalityCode));
  }
  /** Every bucket (the conservation report's facts). */
  async allBuckets(): Promise<Bucket[]> {
    return this.sorted();
  }
  async openBuckets(providerId: string, programCode: string, throughDay: string) {
    return this.sorted().filter((b) => this.open.has(bucketId(b)) && b.providerId === providerId && b.programCode === programCode && b.day <= throughDay);
  }

  // DepositPort
  async deposit(entry: DepositEntry) {
    const id = `${accountId(entry.municipalityCode, entry.programCode)}|${entry.depositedAt}|${entry.depositId}`;
    if (this.depositsIn.has(id)) return 'duplicate' as const;
    this.depositsIn.set(id, structuredClone(entry));
    const a = this.accountOf(entry.municipalityCode, entry.programCode);
    a.balance += entry.amount;
    a.depositedTotal += entry.amount;
    return 'recorded' as const;
  }
  private accountOf(m: string, g: string): DepositAccount {
    const id = accountId(m, g);
    if (!this.accounts.has(id)) this.accounts.set(id, { balance: 0, depositedTotal: 0, paidTotal: 0 });
    return this.accounts.get(id)!;
  }
  async account(m: string, g: string) {
    return { ...(this.accounts.get(accountId(m, g)) ?? { balance: 0, depositedTotal: 0, paidTotal: 0 }) };
  }
  async balance(m: string, g: string) {
    return (await this.account(m, g)).balance;
  }
  async ledgers(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }): Promise<DepositLedger[]> {
    return [...this.accounts]
      .filter(([id]) => { const [m, g] = id.split('|'); return (!filter.municipalityCode || m === filter.municipalityCode) && (!filter.programCode || g === filter.programCode); })
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([id, a]) => {
        const [m, g] = id.split('|') as [string, string];
        const funded: DepositMovement[] = [...this.depositsIn.values()].filter((e) => e.municipalityCode === m && e.programCode === g).sort((x, y) => x.depositedAt.localeCompare(y.depositedAt) || x.depositId.localeCompare(y.depositId)).map((e) => ({ kind: 'FUNDED', amount: e.amount, at: e.at, depositId: e.depositId, depositedAt: e.depositedAt }));
        const out: DepositMovement[] = this.depositsOut.filter((o) => o.municipalityCode === m && o.programCode === g).sort((x, y) => x.payDate.localeCompare(y.payDate) || x.payoutId.localeCompare(y.payoutId) || Number(!!x.returned) - Number(!!y.returned)).map((o) => ({ kind: o.returned ? 'RETURNED' : 'DRAWN', amount: -o.amount, at: o.at, payoutId: o.payoutId, providerId: o.providerId, payDate: o.payDate }));
        return { municipalityCode: m, programCode: g, ...a, movements: [...funded, ...out] };
      });
  }
  async forecastFacts(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }, fromMonth: string, toMonth: string): Promise<ForecastFacts[]> {
    const from = addMonths(fromMonth, -3);
    return [...this.accounts]
      .map(([id, a]) => ({ id, a, m: id.split('|')[0]!, g: id.split('|')[1]! }))
      .filter(({ m, g }) => (!filter.municipalityCode || m === filter.municipalityCode) && (!filter.programCode || g === filter.programCode))
      .sort((x, y) => x.id.localeCompare(y.id))
      .map(({ id, a, m, g }) => ({
        municipalityCode: m,
        programCode: g,
        balance: a.balance,
        granted: new Map([...(this.granted.get(id) ?? new Map<string, number>())].filter(([month]) => month >= from && month <= toMonth)),
        paid: this.paidByMonth(m, g, addMonths(fromMonth, -1)),
        waiting: [...this.delayRecords.values()].filter((d) => d.municipalityCode === m && d.programCode === g && d.amount > 0 && d.fromDay < `${fromMonth}-01`).reduce((n, d) => n + d.amount, 0),
      }));
  }
  /** PO-06: what payouts drew from a deposit per service month (a returned transfer's draws came back). */
  private paidByMonth(m: string, g: string, since: string): Map<string, number> {
    const paid = new Map<string, number>();
    for (const p of this.payouts.values()) {
      if (p.programCode !== g || p.status === 'FAILED') continue;
      for (const d of p.draws) if (d.municipalityCode === m && d.day.slice(0, 7) >= since) paid.set(d.day.slice(0, 7), (paid.get(d.day.slice(0, 7)) ?? 0) + d.amount);
    }
    return paid;
  }

  // PayoutRecords and the payout engine's commit
  async payout(payoutId: string) {
    return structuredClone(this.payouts.get(payoutId) ?? null);
  }
  async commit(payout: Payout | null, plan: PayoutPlan, settledBuckets: Bucket[], at: string): Promise<'committed' | 'conflict' | 'exists'> {
    // As the adapter's one transaction: at most 100 items (payout, buckets, deposits with their entries, delays).
    const touched = new Set([...plan.draws.map((d) => d.bucket.municipalityCode), ...plan.delays.map((d) => d.municipalityCode)]);
    const items = (payout ? 1 + 2 * plan.deposits.size + touched.size : 0) + plan.draws.length + settledBuckets.length;
    if (items > 100) throw new Error(`payout ${payout?.payoutId}: ${items} writes exceed one transaction; pay the oldest days first in a smaller run`);
    if (payout && this.payouts.has(payout.payoutId)) return 'exists';
    const stale = [...plan.draws.map((d) => d.bucket), ...settledBuckets].some((b) => this.bucketMap.get(bucketId(b))?.version !== b.version);
    const short = payout !== null && [...plan.deposits].some(([m, drawn]) => this.accountOf(m, payout.programCode).balance < drawn);
    if (stale || short) return 'conflict';
    if (payout) this.payouts.set(payout.payoutId, structuredClone(payout));
    for (const d of plan.draws) {
      const b = this.bucketMap.get(bucketId(d.bucket))!;
      const closes = unsettled(d.bucket) - d.amount === 0;
      b.settled += d.amount;
      b.version++;
      b.lastSettledAt = at;
      if (closes) this.open.delete(bucketId(b));
    }
    for (const b of settledBuckets) this.open.delete(bucketId(b));
    if (payout) {
      for (const [m, drawn] of plan.deposits) {
        const a = this.accountOf(m, payout.programCode);
        a.balance -= drawn;
        a.paidTotal += drawn;
        this.depositsOut.push({ municipalityCode: m, programCode: payout.programCode, payoutId: payout.payoutId, amount: drawn, providerId: payout.providerId, payDate: payout.payDate, at });
      }
      for (const m of touched) {
        const delay = plan.delays.filter((d) => d.municipalityCode === m);
        const id = `${payout.providerId}|${payout.programCode}|${m}`;
        if (!delay.length) this.delayRecords.delete(id);
        else this.delayRecords.set(id, { providerId: payout.providerId, programCode: payout.programCode, municipalityCode: m, amount: delay.reduce((n, d) => n + d.amount, 0), reason: delay[0]!.reason, fromDay: delay[0]!.fromDay, payoutId: payout.payoutId, updatedAt: at });
      }
    }
    return 'committed';
  }
  async returnFailedPayout(payout: Payout, resultCode: string, at: string) {
    const stored = this.payouts.get(payout.payoutId);
    if (stored?.status !== 'SENT') return false;
    Object.assign(stored, { status: 'FAILED', resultCode, returnedAt: at });
    for (const d of payout.draws) this.addToBucket({ providerId: payout.providerId, programCode: payout.programCode, municipalityCode: d.municipalityCode, day: d.day }, { settled: -d.amount });
    for (const d of payout.deposits) {
      const a = this.accountOf(d.municipalityCode, payout.programCode);
      a.balance += d.amount;
      a.paidTotal -= d.amount;
      this.depositsOut.push({ municipalityCode: d.municipalityCode, programCode: payout.programCode, payoutId: payout.payoutId, amount: -d.amount, returned: true, providerId: payout.providerId, payDate: payout.payDate, at });
    }
    this.rejected.set(`${payout.providerId}|${payout.programCode}`, { bankCode: payout.account?.bankCode ?? '', accountNumber: payout.account?.accountNumber ?? '' });
    return true;
  }
  async rejectedAccount(providerId: string, programCode: string) {
    return structuredClone(this.rejected.get(`${providerId}|${programCode}`) ?? null);
  }
  async providerPayouts(providerId: string, payDate: string | undefined, page: PageRequest) {
    const list = [...this.payouts.values()].filter((p) => p.providerId === providerId && (!payDate || p.payDate === payDate)).sort((a, b) => `${b.payDate}#${b.payoutId}`.localeCompare(`${a.payDate}#${a.payoutId}`));
    return pageOfList(list, page);
  }
  async payDayPayouts(payDate: string, page: PageRequest) {
    return pageOfList([...this.payouts.values()].filter((p) => p.payDate === payDate).sort((a, b) => a.payoutId.localeCompare(b.payoutId)), page);
  }
  async markInstructionQueued(payoutId: string, at: string) {
    const p = this.payouts.get(payoutId);
    if (p) p.instructionQueuedAt = at;
  }
  async delays(providerId: string | undefined) {
    return [...this.delayRecords.values()].filter((d) => !providerId || d.providerId === providerId).sort((a, b) => `${a.providerId}#${a.programCode}#${a.municipalityCode}`.localeCompare(`${b.providerId}#${b.programCode}#${b.municipalityCode}`)).map((d) => ({ ...d }));
  }
  async payees(shard: number) {
    return structuredClone(this.payeesByShard.get(shard) ?? []);
  }
  /** CMS follow-through (the CMS file store's `markPayouts`), for tests and the simulation. */
  markSent(payoutId: string): void {
    const p = this.payouts.get(payoutId);
    if (p) p.status = 'SENT';
  }

  // PO-03: a run's deposit allocations, the first kept wins (as the adapter's conditional put).
  readonly allocations = new Map<string, DepositAllocation>();
  async allocation(runId: string, m: string, g: string) {
    return structuredClone(this.allocations.get(`${runId}|${accountId(m, g)}`) ?? null);
  }
  async keepAllocation(a: DepositAllocation) {
    const id = `${a.runId}|${accountId(a.municipalityCode, a.programCode)}`;
    if (!this.allocations.has(id)) this.allocations.set(id, structuredClone(a));
    return structuredClone(this.allocations.get(id)!);
  }
  async depositBuckets(m: string, g: string, throughDay: string) {
    return this.sorted()
      .filter((b) => this.open.has(bucketId(b)) && b.municipalityCode === m && b.programCode === g && b.day <= throughDay)
      .sort((a, b) => a.day.localeCompare(b.day) || a.providerId.localeCompare(b.providerId));
  }

  /** The payout engine's port over this store. */
  get engine(): PayoutPort {
    return {
      existing: (id) => this.payout(id),
      openBuckets: (p, g, t) => this.openBuckets(p, g, t),
      depositBalance: (m, g) => this.balance(m, g),
      commit: (p, plan, s, at) => this.commit(p, plan, s, at),
      allocation: (r, m, g) => this.allocation(r, m, g),
      depositBuckets: (m, g, t) => this.depositBuckets(m, g, t),
      keepAllocation: (a) => this.keepAllocation(a),
    };
  }
}
