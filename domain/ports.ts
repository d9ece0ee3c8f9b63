/**
 * What the domain needs from the outside world. Adapters in `functions/` implement these;
 * tests implement them in memory.
 */
import type { YearMonth } from './calendar';
import type { Issue } from './errors';
import type { ExistingRegistry, ImportPlan, referencedIds } from './registry-import';
import type { Contract, ServiceType } from './registry';
import type { MonthPlan, RecipientStanding, Voucher, VoucherOutcome } from './vouchers';

/** The one clock every component reads (the local stack can set it). */
export interface Clock {
  now(): Date;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  nextToken?: string;
}

export interface PageRequest {
  limit: number;
  nextToken?: string;
}

export interface ImportSaveReport {
  /** Records that could not be stored (a uniqueness conflict found at write time). */
  rejected: Issue[];
  created: number;
  updated: number;
  unchanged: number;
}

/** Registry persistence for the import (`POST /v1/admin/import`). */
export interface RegistryImportStore {
  loadExisting(ids: ReturnType<typeof referencedIds>): Promise<ExistingRegistry>;
  save(plan: ImportPlan, existing: ExistingRegistry): Promise<ImportSaveReport>;
}

export interface RecipientMonth {
  recipient: RecipientStanding;
  contracts: Contract[];
  vouchers: Voucher[];
}

/** Voucher generation and listing (VCH-01..03). */
export interface VoucherStore {
  serviceTypes(): Promise<ReadonlyMap<string, ServiceType>>;
  recipientIds(shard: number, page: PageRequest): Promise<Page<string>>;
  loadRecipientMonth(recipientId: string, month: YearMonth): Promise<RecipientMonth | null>;
  /** Writes the plan; a voucher that already exists is never written again. Returns the vouchers created. */
  saveMonthPlan(plan: MonthPlan): Promise<number>;
  listOutcomes(
    providerId: string,
    month: YearMonth,
    filter: { status?: VoucherOutcome['status'] },
    page: PageRequest,
  ): Promise<Page<VoucherOutcome>>;
}
