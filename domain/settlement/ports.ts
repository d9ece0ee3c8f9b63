/** What settlement needs from storage, one port per aggregate: ledger, deposits, payouts. */
import type { Payment } from '../payments/payment';
import type { PayoutAccount } from '../registry/entities';
import type { IsoDate, YearMonth } from '../shared/calendar';
import type { Page, PageRequest } from '../shared/ports';
import type { AllocationPort } from './allocation';
import type { Bucket, DelayReason, LedgerFact, PayoutPlan } from './ledger';
import type { Payout } from './payout';

/** One day bucket: provider × program × municipality × day. */
export interface BucketRef {
  providerId: string;
  programCode: string;
  municipalityCode: string;
  day: IsoDate;
}

/** The day buckets (domain.md §6): facts applied once, totals never losing an update. */
export interface LedgerPort {
  /** Applies a fact once: a second delivery of the same fact changes nothing. */
  apply(fact: LedgerFact): Promise<'applied' | 'duplicate'>;
  /**
   * Applies several facts as one write when none of them was applied before (one change per
   * bucket); otherwise each alone. Each fact's outcome, in order; the same fact twice is one.
   */
  applyAll(facts: readonly LedgerFact[]): Promise<('applied' | 'duplicate')[]>;
  bucket(ref: BucketRef): Promise<Bucket | null>;
  /** Buckets of a provider × program between two days. */
  buckets(providerId: string, programCode: string, from: IsoDate, to: IsoDate): Promise<Bucket[]>;
  /** Buckets with something unpaid up to a day, read strongly consistent. */
  openBuckets(providerId: string, programCode: string, throughDay: IsoDate): Promise<Bucket[]>;
}

export interface DepositEntry {
  depositId: string;
  municipalityCode: string;
  programCode: string;
  amount: number;
  depositedAt: string;
  recordedBy: string;
  at: string;
}

export interface DepositAccount {
  balance: number;
  depositedTotal: number;
  paidTotal: number;
}

/** One movement of a deposit account: what it did to the balance (funded +, drawn −, returned +). */
export interface DepositMovement {
  kind: 'FUNDED' | 'DRAWN' | 'RETURNED';
  /** Its effect on the balance, in won (a draw that credits recoveries back is positive). */
  amount: number;
  /** When it was recorded. */
  at: string;
  depositId?: string;
  depositedAt?: string;
  payoutId?: string;
  providerId?: string;
  payDate?: string;
}

/** A deposit account and every movement of it, oldest first (`GET /v1/deposits`). */
export interface DepositLedger extends DepositAccount {
  municipalityCode: string;
  programCode: string;
  movements: DepositMovement[];
}

/** A deposit account with what its vouchers grant per month (PO-06). */
export interface ForecastFacts {
  municipalityCode: string;
  programCode: string;
  balance: number;
  granted: Map<YearMonth, number>;
  /** PO-06: what the deposit has paid for services of each month from `fromMonth - 1` (returns taken off). */
  paid: Map<YearMonth, number>;
  /** PO-06: what current delays of this deposit from days before `fromMonth` still owe (this month's are in its grant). */
  waiting: number;
}

/** Municipalities' deposits per program (PO-03). */
export interface DepositPort {
  /** Records a deposit once (its id is its idempotency key) and adds it to the balance. */
  deposit(entry: DepositEntry): Promise<'recorded' | 'duplicate'>;
  account(municipalityCode: string, programCode: string): Promise<DepositAccount>;
  /** The accounts matching the filter with their movements (PO-03: funded, drawn, returned). */
  ledgers(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }): Promise<DepositLedger[]>;
  /** The accounts matching the filter, with what vouchers grant from `fromMonth - 3` to `toMonth`. */
  forecastFacts(filter: { municipalityCode?: string | undefined; programCode?: string | undefined }, fromMonth: YearMonth, toMonth: YearMonth): Promise<ForecastFacts[]>;
}

/** PO-06 for providers: the municipalities a provider's recipients belong to (its running contracts'). */
export interface ProviderReachPort {
  municipalitiesOf(providerId: string): Promise<string[]>;
}

/** What one payout needs (PO-02..04): its own record, the open buckets, the balances and the run's deposit allocations (PO-03). */
export interface PayoutPort extends AllocationPort {
  existing(payoutId: string): Promise<Payout | null>;
  openBuckets(providerId: string, programCode: string, throughDay: IsoDate): Promise<Bucket[]>;
  /**
   * Writes the payout (if any), settles its buckets, draws its deposits and closes the settled
   * buckets in one transaction; 'conflict' if any of them moved since it was read.
   */
  commit(payout: Payout | null, plan: PayoutPlan, settledBuckets: Bucket[], at: string): Promise<'committed' | 'conflict' | 'exists'>;
}

/** A provider paid by a payout shard, with one payout account per program (PO-02). */
export interface Payee {
  providerId: string;
  businessNumber: string;
  accounts: PayoutAccount[];
}

/** A current delay of a provider × program × municipality (PO-03/04). */
export interface DelayRecord {
  providerId: string;
  programCode: string;
  municipalityCode: string;
  amount: number;
  reason: DelayReason;
  fromDay: IsoDate;
  payoutId: string;
  updatedAt: string;
}

/** Payout records: reading them, their transfers' follow-through and CMS-04 returns. */
export interface PayoutRecords {
  payout(payoutId: string): Promise<Payout | null>;
  providerPayouts(providerId: string, payDate: IsoDate | undefined, page: PageRequest): Promise<Page<Payout>>;
  payDayPayouts(payDate: IsoDate, page: PageRequest): Promise<Page<Payout>>;
  /** Current delays: a provider's, or all of them. */
  delays(providerId: string | undefined): Promise<DelayRecord[]>;
  /** The payout's transfer instruction is queued: a repeated run does not queue it again. */
  markInstructionQueued(payoutId: string, at: string): Promise<void>;
  /**
   * CMS-04: a SENT payout the bank refused becomes FAILED, its draws go back to their buckets and
   * its deposits, and the refused account is remembered; false if it was not SENT.
   */
  returnFailedPayout(payout: Payout, resultCode: string, at: string): Promise<boolean>;
  /** The account a provider × program's last transfer was refused on, if any. */
  rejectedAccount(providerId: string, programCode: string): Promise<{ bankCode: string; accountNumber: string } | null>;
  /** The providers of one payout shard. */
  payees(shard: number): Promise<Payee[]>;
}

