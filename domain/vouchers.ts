/**
 * Monthly vouchers (바우처 생성, domain.md §4.1).
 */
import { firstDayOf, lastDayOf, monthOf, type YearMonth } from './calendar';
import type { VoucherStore } from './ports';
import { periodOverlaps, type Contract, type Grade, type Recipient, type ServiceType } from './registry';

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
  /** `floor(P / N)`, the PAY-04 ceiling of one session payment. */
  perSessionAmount: number;
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

function isDeceasedFor(recipient: RecipientStanding, month: YearMonth): boolean {
  return recipient.deathDate !== undefined && recipient.deathDate < firstDayOf(month);
}

function isTerminatedFor(contract: Contract, month: YearMonth): boolean {
  if (contract.status !== 'TERMINATED') return false;
  return contract.terminatedOn === undefined || contract.terminatedOn <= firstDayOf(month);
}

export interface MonthPlanInput {
  month: YearMonth;
  recipient: RecipientStanding;
  contracts: Contract[];
  /** Vouchers of this recipient already generated for the month (a re-run sees them). */
  existing: Voucher[];
  serviceTypes: ReadonlyMap<string, ServiceType>;
  /** The instant of the decision, ISO-8601 in KST. */
  decidedAt: string;
}

export interface MonthPlan {
  vouchers: Voucher[];
  outcomes: VoucherOutcome[];
}

/**
 * VCH-01/VCH-02 for one recipient and month. Pure: the same inputs give the same plan, and a
 * plan computed after vouchers exist creates none of them again (the store also refuses
 * duplicates with a conditional write).
 */
export function planRecipientMonth(input: MonthPlanInput): MonthPlan {
  const { month, recipient, serviceTypes, decidedAt } = input;
  const vouchers: Voucher[] = [];
  const outcomes: VoucherOutcome[] = [];
  const held = new Map(input.existing.map((v) => [v.serviceCode, v]));

  // VCH-02: the contracts that started latest are the ones left without a voucher.
  const candidates = input.contracts
    .filter((c) => c.recipientId === recipient.recipientId && contractRunsInMonth(c, month))
    .sort((a, b) => a.from.localeCompare(b.from) || a.contractId.localeCompare(b.contractId));

  for (const contract of candidates) {
    const serviceType = serviceTypes.get(contract.serviceCode);
    const base = {
      month,
      contractId: contract.contractId,
      providerId: contract.providerId,
      recipientId: recipient.recipientId,
      serviceCode: contract.serviceCode,
      programCode: serviceType?.programCode ?? '',
      decidedAt,
    };
    const refuse = (reason: NonGenerationReason) => outcomes.push({ ...base, status: 'NOT_GENERATED', reason });

    if (isDeceasedFor(recipient, month)) { refuse('RECIPIENT_DECEASED'); continue; }
    if (isTerminatedFor(contract, month)) { refuse('CONTRACT_TERMINATED'); continue; }
    if (contract.status === 'SUSPENDED') { refuse('CONTRACT_SUSPENDED'); continue; }

    const existing = held.get(contract.serviceCode);
    if (existing) {
      outcomes.push({ ...base, status: 'GENERATED', grade: existing.grade, amount: existing.grantedAmount, sessions: existing.grantedSessions });
      continue;
    }
    if (held.size >= MAX_SERVICES_PER_MONTH) { refuse('TOO_MANY_SERVICES'); continue; }

    const gradeCode = effectiveGrade(contract, month);
    const grade: Grade | undefined = serviceType?.grades.find((g) => g.grade === gradeCode);
    if (!serviceType || !grade || grade.sessionsPerMonth <= 0) { refuse('GRADE_NOT_IN_CATALOG'); continue; }

    const voucher: Voucher = {
      recipientId: recipient.recipientId,
      serviceCode: contract.serviceCode,
      programCode: serviceType.programCode,
      month,
      grade: gradeCode,
      grantedAmount: grade.monthlySubsidy,
      grantedSessions: grade.sessionsPerMonth,
      perSessionAmount: Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth),
      contractId: contract.contractId,
      providerId: contract.providerId,
      municipalityCode: recipient.municipalityCode,
      generatedAt: decidedAt,
    };
    vouchers.push(voucher);
    held.set(contract.serviceCode, voucher);
    outcomes.push({ ...base, status: 'GENERATED', grade: gradeCode, amount: voucher.grantedAmount, sessions: voucher.grantedSessions });
  }
  return { vouchers, outcomes };
}

/**
 * VCH-01 for a set of recipients: plans and stores each one's month. Safe to run any number of
 * times: a re-run finds the month's vouchers and plans none of them again.
 */
export async function generateMonth(
  store: VoucherStore,
  recipientIds: readonly string[],
  month: YearMonth,
  decidedAt: string,
): Promise<{ recipients: number; vouchersCreated: number; notGenerated: number }> {
  const serviceTypes = await store.serviceTypes();
  let vouchersCreated = 0;
  let notGenerated = 0;
  for (const recipientId of recipientIds) {
    const loaded = await store.loadRecipientMonth(recipientId, month);
    if (!loaded) continue;
    const plan = planRecipientMonth({ month, ...loaded, existing: loaded.vouchers, serviceTypes, decidedAt });
    vouchersCreated += await store.saveMonthPlan(plan);
    notGenerated += plan.outcomes.filter((o) => o.status === 'NOT_GENERATED').length;
  }
  return { recipients: recipientIds.length, vouchersCreated, notGenerated };
}
