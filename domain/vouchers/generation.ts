/**
 * Monthly vouchers (바우처 생성, domain.md §4.1): VCH-01/02 and REG-06 for one recipient and month,
 * and the month's generation over a set of recipients.
 */
import { type Contract, type Grade, type ServiceType, suspendedOn } from '../registry/entities';
import { firstDayOf, type YearMonth } from '../shared/calendar';
import type { RecipientMonth, VoucherStore } from './ports';
import { contractRunsInMonth, effectiveGrade, MAX_SERVICES_PER_MONTH, type MonthPlan, type NonGenerationReason, type RecipientStanding, type Voucher, type VoucherOutcome } from './voucher';

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

function isDeceasedFor(recipient: RecipientStanding, month: YearMonth): boolean {
  // VCH-02: a death recorded on or before the 1st (a death on the 1st included).
  return recipient.deathDate !== undefined && recipient.deathDate <= firstDayOf(month);
}

function isTerminatedFor(contract: Contract, month: YearMonth): boolean {
  if (contract.status !== 'TERMINATED') return false;
  return contract.terminatedOn === undefined || contract.terminatedOn <= firstDayOf(month);
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
    if (suspendedOn(contract, firstDayOf(month))) { refuse('CONTRACT_SUSPENDED'); continue; }

    const existing = held.get(contract.serviceCode);
    if (existing) {
      outcomes.push({ ...base, status: 'GENERATED', grade: existing.grade, amount: existing.grantedAmount, sessions: existing.grantedSessions, ...(existing.grantedMinutes ? { minutes: existing.grantedMinutes } : {}) });
      continue;
    }
    if (held.size >= MAX_SERVICES_PER_MONTH) { refuse('TOO_MANY_SERVICES'); continue; }

    const gradeCode = effectiveGrade(contract, month);
    const grade: Grade | undefined = serviceType?.grades.find((g) => g.grade === gradeCode);
    const minutes = grade?.monthlyMinutes ?? 0;
    if (!serviceType || !grade || (grade.sessionsPerMonth <= 0 && minutes <= 0)) { refuse('GRADE_NOT_IN_CATALOG'); continue; }

    const voucher: Voucher = {
      recipientId: recipient.recipientId,
      serviceCode: contract.serviceCode,
      programCode: serviceType.programCode,
      month,
      grade: gradeCode,
      grantedAmount: grade.monthlySubsidy,
      grantedSessions: grade.sessionsPerMonth,
      perSessionAmount: grade.sessionsPerMonth > 0 ? Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth) : 0,
      ...(minutes > 0 ? { grantedMinutes: minutes } : {}),
      contractId: contract.contractId,
      providerId: contract.providerId,
      municipalityCode: recipient.municipalityCode,
      generatedAt: decidedAt,
    };
    vouchers.push(voucher);
    held.set(contract.serviceCode, voucher);
    outcomes.push({ ...base, status: 'GENERATED', grade: gradeCode, amount: voucher.grantedAmount, sessions: voucher.grantedSessions, ...(minutes > 0 ? { minutes } : {}) });
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
  const loaded = (await store.loadRecipientMonths(recipientIds, month)).filter((l): l is RecipientMonth => l !== null);
  const planAll = (catalog: ReadonlyMap<string, ServiceType>) => loaded.map((l) => planRecipientMonth({ month, ...l, existing: l.vouchers, serviceTypes: catalog, decidedAt }));
  let plans = planAll(serviceTypes);
  // A NOT_GENERATED record stands for the month: a service missing from a cached catalog (one
  // read before an import added it) is decided again against a fresh read first.
  if (plans.some((plan) => plan.outcomes.some((o) => o.status === 'NOT_GENERATED' && o.reason === 'GRADE_NOT_IN_CATALOG'))) plans = planAll(await store.serviceTypes({ fresh: true }));
  const vouchersCreated = await store.saveMonthPlans(plans);
  const notGenerated = plans.reduce((n, plan) => n + plan.outcomes.filter((o) => o.status === 'NOT_GENERATED').length, 0);
  return { recipients: recipientIds.length, vouchersCreated, notGenerated };
}
