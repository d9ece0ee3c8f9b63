/** What voucher generation and listing (VCH-01..03) need from storage. */
import type { Contract, ServiceType } from '../registry/entities';
import type { YearMonth } from '../shared/calendar';
import type { Page, PageRequest } from '../shared/ports';
import type { MonthPlan, RecipientStanding, Voucher, VoucherOutcome } from './voucher';

export interface RecipientMonth {
  recipient: RecipientStanding;
  contracts: Contract[];
  vouchers: Voucher[];
}

/** Voucher generation and listing (VCH-01..03). */
export interface VoucherStore {
  /**
   * The catalog's service types; an adapter may answer from a cache unless `fresh` asks for a
   * read (VCH-01 decides a catalog miss only against a fresh read).
   */
  serviceTypes(options?: { fresh?: boolean }): Promise<ReadonlyMap<string, ServiceType>>;
  recipientIds(shard: number, page: PageRequest): Promise<Page<string>>;
  loadRecipientMonth(recipientId: string, month: YearMonth): Promise<RecipientMonth | null>;
  /** A page's recipients, in their order (null: no such recipient); an adapter reads them side by side. */
  loadRecipientMonths(recipientIds: readonly string[], month: YearMonth): Promise<(RecipientMonth | null)[]>;
  /** Writes the plan; a voucher that already exists is never written again. Returns the vouchers created. */
  saveMonthPlan(plan: MonthPlan): Promise<number>;
  /** Writes a page's plans as `saveMonthPlan` writes each (an adapter batches them). Returns the vouchers created. */
  saveMonthPlans(plans: readonly MonthPlan[]): Promise<number>;
  listOutcomes(
    providerId: string,
    month: YearMonth,
    filter: { status?: VoucherOutcome['status'] },
    page: PageRequest,
  ): Promise<Page<VoucherOutcome>>;
}

/** A stored voucher with what is left of it. */
export type HeldVoucher = Voucher & { remainingAmount: number; remainingSessions: number };

/** VCH-05: what registering a contract needs to give it this month's voucher at once. */
export interface MidMonthVoucherPort {
  /** The vouchers of these recipients for the month. */
  vouchersOf(recipientIds: readonly string[], month: YearMonth): Promise<HeldVoucher[]>;
  /** As for generation: a voucher that already exists is never written again. */
  saveMonthPlan(plan: MonthPlan): Promise<number>;
}
