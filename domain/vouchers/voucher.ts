/**
 * The monthly voucher (바우처, domain.md §4.1) and the outcome of its generation for a contract
 * (VCH-02/03); which grade a month's voucher takes (REG-06).
 */
import { type Contract, periodOverlaps, type Recipient } from '../registry/entities';
import { firstDayOf, lastDayOf, monthOf, type YearMonth } from '../shared/calendar';

/** One recipient × service type × month: what the month's payments draw from. */
export interface Voucher {
  recipientId: string;
  serviceCode: string;
  programCode: string;
  month: YearMonth;
  grade: string;
  /** `P`: the government subsidy only; the COMMUNITY co-payment is never part of the voucher. */
  grantedAmount: number;
  /** `N`. */
  grantedSessions: number;
  /** `floor(P / N)`, the PAY-04 ceiling of one session payment (0 for `TIME`). */
  perSessionAmount: number;
  /** `H`: a `TIME` program's monthly minutes (§4.6); absent for `SESSION`. */
  grantedMinutes?: number;
  contractId: string;
  providerId: string;
  municipalityCode: string;
  generatedAt: string;
}

/** 미생성 사유 (VCH-02). */
export type NonGenerationReason =
  | 'CONTRACT_TERMINATED'
  | 'CONTRACT_SUSPENDED'
  | 'RECIPIENT_DECEASED'
  | 'TOO_MANY_SERVICES'
  /** The contract's grade is no longer in the catalog: an operator must fix the registry. */
  | 'GRADE_NOT_IN_CATALOG';

/** What the month's generation decided for one contract; providers list these (VCH-03). */
export interface VoucherOutcome {
  month: YearMonth;
  contractId: string;
  providerId: string;
  recipientId: string;
  serviceCode: string;
  programCode: string;
  status: 'GENERATED' | 'NOT_GENERATED';
  reason?: NonGenerationReason;
  grade?: string;
  amount?: number;
  sessions?: number;
  minutes?: number;
  decidedAt: string;
}

/** VCH-02: a recipient runs at most this many services in a month. */
export const MAX_SERVICES_PER_MONTH = 3;

/**
 * REG-06: a grade change recorded in month M applies from the voucher of month M+1,
 * so month M's voucher uses the last change recorded before M (or the contract's first grade).
 */
export function effectiveGrade(contract: Pick<Contract, 'initialGrade' | 'gradeChanges'>, month: YearMonth): string {
  let grade = contract.initialGrade;
  for (const change of [...contract.gradeChanges].sort((a, b) => a.recordedOn.localeCompare(b.recordedOn))) {
    if (monthOf(change.recordedOn) < month) grade = change.grade;
  }
  return grade;
}

/** The services a contract could draw a voucher for in a month: its period overlaps the month. */
export function contractRunsInMonth(contract: Pick<Contract, 'from' | 'to'>, month: YearMonth): boolean {
  return periodOverlaps(contract, firstDayOf(month), lastDayOf(month));
}

/** What voucher generation needs to know about a recipient. */
export type RecipientStanding = Pick<Recipient, 'recipientId' | 'municipalityCode' | 'status' | 'deathDate'>;

export interface MonthPlan {
  vouchers: Voucher[];
  outcomes: VoucherOutcome[];
}
