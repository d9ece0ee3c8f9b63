/**
 * Voucher generation's store in memory, with the adapter's conditions: a month plan is written all
 * or nothing, and not at all when any of its vouchers exists (VCH-01: one voucher per recipient ×
 * service × month, however often generation runs); what a month grants is counted with the
 * vouchers (PO-06); a non-generation record never overwrites a generated one. Reads recipients
 * and contracts from the in-memory registry.
 */
import type { YearMonth } from '../../domain/shared/calendar';
import type { PageRequest } from '../../domain/shared/ports';
import type { LapsedTotal, LapseReportPort, LapsingVoucher, VoucherLapsePort } from '../../domain/vouchers/lapse';
import type { HeldVoucher, MidMonthVoucherPort, RecipientMonth, VoucherStore } from '../../domain/vouchers/ports';
import type { MonthPlan, Voucher, VoucherOutcome } from '../../domain/vouchers/voucher';
import type { InMemoryRegistry } from './registry-store';
import { pageOfList } from './paging';

export type StoredVoucher = Voucher & { remainingAmount: number; remainingSessions: number; remainingMinutes?: number; version: number; lapsedAmount?: number; lapsedSessions?: number; lapsedMinutes?: number; lapsedAt?: string };

export class InMemoryVouchers implements VoucherStore, VoucherLapsePort, LapseReportPort, MidMonthVoucherPort {
  // VCH-04, as the adapter: the remainder becomes lapsed in one step, once.
  async vouchersOf(recipientIds: readonly string[], month: string): Promise<HeldVoucher[]> {
    return [...this.vouchers.values()].filter((v) => recipientIds.includes(v.recipientId) && v.month === month).map((v) => structuredClone(v));
  }
  async lapse(v: LapsingVoucher, at: string): Promise<boolean> {
    const stored = this.vouchers.get(InMemoryVouchers.key(v));
    if (!stored || stored.lapsedAt) return false;
    const tallyKey = `${stored.month}|${stored.municipalityCode}|${stored.programCode}`;
    const tally = this.lapsed.get(tallyKey) ?? { month: stored.month, municipalityCode: stored.municipalityCode, programCode: stored.programCode, vouchers: 0, amount: 0, sessions: 0, minutes: 0 };
    this.lapsed.set(tallyKey, { ...tally, vouchers: tally.vouchers + 1, amount: tally.amount + stored.remainingAmount, sessions: tally.sessions + stored.remainingSessions, minutes: tally.minutes + (stored.remainingMinutes ?? 0) });
    Object.assign(stored, { lapsedAmount: stored.remainingAmount, lapsedSessions: stored.remainingSessions, remainingAmount: 0, remainingSessions: 0, lapsedAt: at, version: stored.version + 1 });
    if (stored.remainingMinutes !== undefined) Object.assign(stored, { lapsedMinutes: stored.remainingMinutes, remainingMinutes: 0 });
    return true;
  }

  async lapsedTotals(month: string, municipalityCode: string | undefined): Promise<LapsedTotal[]> {
    return [...this.lapsed.values()].filter((t) => t.month === month && (!municipalityCode || t.municipalityCode === municipalityCode)).map((t) => ({ ...t }));
  }
  /** VCH-04 lapse totals per `month|municipality|program`, as the adapter keeps them with each lapse. */
  readonly lapsed = new Map<string, LapsedTotal>();

  readonly vouchers = new Map<string, StoredVoucher>();
  readonly outcomes = new Map<string, VoucherOutcome>();
  /** Granted per `municipality|program` and month (PO-06), as the settlement fake reads them. */
  readonly granted = new Map<string, Map<string, number>>();

  constructor(private readonly registry: InMemoryRegistry, private readonly shardOf: (recipientId: string) => number = () => 0) {}

  static key = (v: { recipientId: string; month: string; serviceCode: string }) => `${v.recipientId}|${v.month}|${v.serviceCode}`;
  private static outcomeKey = (o: VoucherOutcome) => `${o.providerId}|${o.month}|${o.contractId}`;

  async serviceTypes() {
    return new Map(this.registry.serviceTypes);
  }
  async recipientIds(shard: number, page: PageRequest) {
    return pageOfList([...this.registry.recipients.keys()].filter((id) => this.shardOf(id) === shard).sort(), page);
  }
  async loadRecipientMonth(recipientId: string, month: YearMonth): Promise<RecipientMonth | null> {
    const r = this.registry.recipients.get(recipientId)?.entity;
    if (!r) return null;
    return { recipient: structuredClone(r), contracts: this.registry.contractsOf(recipientId), vouchers: [...this.vouchers.values()].filter((v) => v.recipientId === recipientId && v.month === month).map((v) => structuredClone(v)) };
  }
  loadRecipientMonths(recipientIds: readonly string[], month: YearMonth): Promise<(RecipientMonth | null)[]> {
    return Promise.all(recipientIds.map((id) => this.loadRecipientMonth(id, month)));
  }
  async saveMonthPlans(plans: readonly MonthPlan[]): Promise<number> {
    let created = 0;
    for (const plan of plans) created += await this.saveMonthPlan(plan);
    return created;
  }
  async saveMonthPlan(plan: MonthPlan): Promise<number> {
    if (plan.vouchers.some((v) => this.vouchers.has(InMemoryVouchers.key(v)))) return 0;
    for (const v of plan.vouchers) {
      this.vouchers.set(InMemoryVouchers.key(v), { ...structuredClone(v), remainingAmount: v.grantedAmount, remainingSessions: v.grantedSessions, ...(v.grantedMinutes !== undefined ? { remainingMinutes: v.grantedMinutes } : {}), version: 0 });
      const months = this.granted.get(`${v.municipalityCode}|${v.programCode}`) ?? this.granted.set(`${v.municipalityCode}|${v.programCode}`, new Map()).get(`${v.municipalityCode}|${v.programCode}`)!;
      months.set(v.month, (months.get(v.month) ?? 0) + v.grantedAmount);
    }
    for (const o of plan.outcomes) {
      const k = InMemoryVouchers.outcomeKey(o);
      if (o.status === 'GENERATED' || this.outcomes.get(k)?.status !== 'GENERATED') this.outcomes.set(k, structuredClone(o));
    }
    return plan.vouchers.length;
  }
  async listOutcomes(providerId: string, month: YearMonth, filter: { status?: VoucherOutcome['status'] }, page: PageRequest) {
    const list = [...this.outcomes.values()].filter((o) => o.providerId === providerId && o.month === month && (!filter.status || o.status === filter.status)).sort((a, b) => a.contractId.localeCompare(b.contractId));
    return pageOfList(list, page);
  }
}
