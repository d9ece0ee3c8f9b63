/**
 * REG-04 contracts as a provider keeps them (계약대상자등록): registered by the recipient's name
 * and RRN, accepted only for a recipient eligible for the service over the whole period (the
 * grade is the eligibility's), with at most five designated workers of the provider under
 * contract for the program; changed workers; terminated, never before the start (by the
 * provider, or by the recipient's municipality). VCH-05: a contract that runs this month gets
 * this month's voucher in the same request, with VCH-02's checks. VCH-03: the lists of contracts
 * ending in a month and of contracts unused for N months.
 */
import { addDays, addMonths, firstDayOf, formatKst, type IsoDate, kstDate, kstMonth, lastDayOf, type YearMonth } from '../shared/calendar';
import type { Page } from '../shared/ports';
import { planRecipientMonth } from '../vouchers/generation';
import type { HeldVoucher } from '../vouchers/ports';
import { contractRunsInMonth, type NonGenerationReason } from '../vouchers/voucher';
import { auditEntry } from './audit';
import { type Changed, changeWith, type ContractRecord, type RegistryActor, type RegistryDeps, refuse, replayOf, type Versioned } from './changes';
import { MAX_DESIGNATED_WORKERS, periodOverlaps, type ServiceType } from './entities';
import { parseRrn } from './identity';
import { suspensionsOf } from './recipients';

export interface ContractRegistration {
  contractId: string;
  name: string;
  rrn: string;
  serviceCode: string;
  from: IsoDate;
  to: IsoDate | null;
  serviceAddress: string;
  designatedWorkerIds: string[];
}

/** VCH-05: the month's voucher as the registration answers it, or why there is none. */
export type MonthVoucher =
  | { month: YearMonth; grade: string; grantedAmount: number; grantedSessions: number; perSessionAmount: number; remainingAmount: number; remainingSessions: number }
  | null;

export type RegisteredContract = ContractRecord & { voucher: MonthVoucher; voucherNotGenerated?: NonGenerationReason };

const unknownContract = (contractId: string) => refuse('NOT_FOUND', 'REG-04', `contract ${contractId} not found`);

/** The contract when the actor may act on it: its provider, the recipient's municipality (where allowed), the agency. */
async function contractFor(deps: RegistryDeps, actor: RegistryActor, contractId: string, municipalityMay: boolean): Promise<Versioned<ContractRecord> | null> {
  const found = await deps.port.contract(contractId);
  if (!found) return null;
  if (actor.role === 'provider' && found.value.providerId === actor.providerId) return found;
  if (municipalityMay && actor.role === 'municipality' && found.value.municipalityCode === actor.municipalityCode) return found;
  if (actor.role === 'agency') return found;
  return null;
}

/** REG-04: at most five designated workers, each the provider's with a contract for the program over the period. */
async function checkDesignated(deps: RegistryDeps, actor: RegistryActor, serviceType: ServiceType, period: { from: IsoDate; to: IsoDate | null }, workerIds: string[]) {
  if (workerIds.length > MAX_DESIGNATED_WORKERS) return refuse('TOO_MANY_WORKERS', 'REG-04', `a contract names at most ${MAX_DESIGNATED_WORKERS} designated workers`);
  for (const workerId of workerIds) {
    const worker = await deps.port.workerRecord(workerId);
    const eligible = worker && worker.value.providerId === actor.providerId && worker.value.contracts.some((c) => c.programCode === serviceType.programCode && periodOverlaps(c, period.from, period.to ?? '9999-12-31'));
    if (!eligible) return refuse('WORKER_NOT_ELIGIBLE', 'REG-04', `worker ${workerId} is not this provider's worker under contract for ${serviceType.programCode}`);
  }
  return null;
}

/**
 * VCH-05: the month's voucher of the contract's service, made now when the contract runs this
 * month and has none (the same plan as the month's generation, so the same VCH-02 checks and a
 * re-run of generation creates nothing new). Safe to repeat: an existing voucher is kept.
 */
async function monthVoucher(deps: RegistryDeps, contract: ContractRecord): Promise<{ voucher: MonthVoucher; reason?: NonGenerationReason }> {
  const month = kstMonth(deps.now());
  if (!contractRunsInMonth(contract, month)) return { voucher: null };
  const recipient = await deps.port.recipientRecord(contract.recipientId);
  if (!recipient) return { voucher: null };
  const contracts = (await deps.port.recipientContracts(contract.recipientId)).map((c) => c.value);
  const codes = [...new Set(contracts.map((c) => c.serviceCode))];
  const serviceTypes = new Map<string, ServiceType>();
  for (const code of codes) {
    const st = await deps.port.serviceType(code);
    if (st) serviceTypes.set(code, st);
  }
  // A voucher is the recipient's per service and month (VCH-01): one an earlier contract of the service drew is the one this contract pays from.
  const ofService = (vouchers: HeldVoucher[]) => vouchers.find((v) => v.serviceCode === contract.serviceCode);
  const existing = await deps.vouchers.vouchersOf([contract.recipientId], month);
  let voucher = ofService(existing);
  let reason: NonGenerationReason | undefined;
  if (!voucher) {
    const plan = planRecipientMonth({ month, recipient: recipient.value, contracts, existing, serviceTypes, decidedAt: formatKst(deps.now()) });
    await deps.vouchers.saveMonthPlan(plan);
    // Read back what the plan made (or a concurrent run made first), remaining amounts as stored.
    if (plan.vouchers.length) voucher = ofService(await deps.vouchers.vouchersOf([contract.recipientId], month));
    const outcome = plan.outcomes.find((o) => o.contractId === contract.contractId);
    if (!voucher && outcome?.status === 'NOT_GENERATED') reason = outcome.reason;
  }
  if (!voucher) return { voucher: null, ...(reason ? { reason } : {}) };
  const { grade, grantedAmount, grantedSessions, perSessionAmount, remainingAmount, remainingSessions } = voucher;
  return { voucher: { month, grade, grantedAmount, grantedSessions, perSessionAmount, remainingAmount, remainingSessions } };
}

const withVoucher = async (deps: RegistryDeps, contract: ContractRecord): Promise<RegisteredContract> => {
  const { voucher, reason } = await monthVoucher(deps, contract);
  return { ...contract, voucher, ...(reason ? { voucherNotGenerated: reason } : {}) };
};

/** `POST /v1/contracts` (provider): idempotent on the contract id; answers the month's voucher (VCH-05). */
export async function registerContract(deps: RegistryDeps, actor: RegistryActor, request: ContractRegistration): Promise<Changed<RegisteredContract>> {
  if (request.to !== null && request.to < request.from) return refuse('INVALID_PERIOD', 'REG-04', 'the contract ends before it starts');
  const rrn = parseRrn(request.rrn);
  if (!rrn) return refuse('INVALID_RRN', 'REG-07', 'the resident registration number is not of the form YYMMDD-GNNNNNN with a real birth date');
  const serviceType = await deps.port.serviceType(request.serviceCode);
  if (!serviceType) return refuse('UNKNOWN_SERVICE', 'REG-04', `service code ${request.serviceCode} is not in the catalog`);
  const scope = `contract#${actor.providerId}`;
  const requestHash = deps.hash({ ...request, rrn: rrn.canonical });
  const outcome = await changeWith<ContractRecord>(deps, async () => {
    const existing = await deps.port.contract(request.contractId);
    if (existing) {
      if (existing.value.providerId !== actor.providerId) return { answer: refuse('CONTRACT_ID_TAKEN', 'REG-04', `contract id ${request.contractId} is taken`) };
      const replay = await replayOf<ContractRecord>(deps, scope, request.contractId, requestHash);
      // The first answer's contract is the stored one (its voucher is read again below).
      if (replay?.ok) return { answer: { ...replay, body: existing.value } };
      return { answer: replay ?? refuse('IDEMPOTENCY_CONFLICT', 'REG-08', `contract ${request.contractId} already exists`) };
    }
    // REG-04: the name and the RRN both match one recipient, eligible for the service over the whole period.
    const matches = (await deps.port.recipientsByRrn(rrn.canonical)).filter((r) => r.value.name === request.name);
    const notEligible = refuse('RECIPIENT_NOT_ELIGIBLE', 'REG-04', 'no recipient with this name and RRN is eligible for this service over the contract period');
    const recipient = matches.find((r) => r.value.status === 'ACTIVE' && (r.value.deathDate === undefined || r.value.deathDate > request.from));
    const eligibility = recipient?.value.eligibility.find((e) => e.serviceCode === request.serviceCode && e.from <= request.from && (e.to === null || (request.to !== null && request.to <= e.to)));
    if (!recipient || !eligibility) return { answer: notEligible };
    const bad = await checkDesignated(deps, actor, serviceType, request, request.designatedWorkerIds);
    if (bad) return { answer: bad };
    const suspensions = suspensionsOf(recipient.value, request.serviceCode);
    const value: ContractRecord = {
      contractId: request.contractId,
      recipientId: recipient.value.recipientId,
      providerId: actor.providerId!,
      serviceCode: request.serviceCode,
      grade: eligibility.grade,
      initialGrade: eligibility.grade,
      gradeChanges: [],
      from: request.from,
      to: request.to,
      designatedWorkerIds: [...new Set(request.designatedWorkerIds)],
      status: 'ACTIVE',
      municipalityCode: recipient.value.municipalityCode,
      serviceAddress: request.serviceAddress,
      ...(suspensions.length ? { suspensions } : {}),
    };
    return {
      change: {
        writes: [{ kind: 'contract', value, expected: null }],
        claims: [{ kind: 'contractId', value: value.contractId, owner: value.recipientId }],
        audit: [auditEntry('contract', value.contractId, 'REGISTERED', actor, formatKst(deps.now()), null, value)],
        // The contract itself: a concurrent twin that finds this key remembered answers it whole.
        remember: { scope, key: request.contractId, requestHash, status: 201, body: value },
      },
      answer: { ok: true, status: 201, body: value },
    };
  });
  if (!outcome.ok) return outcome;
  return { ok: true, status: 201, body: await withVoucher(deps, outcome.body) };
}

/** `PUT /v1/contracts/{id}/workers` (provider): the designated workers, at most five (REG-04). */
export async function changeDesignatedWorkers(deps: RegistryDeps, actor: RegistryActor, contractId: string, workerIds: string[]): Promise<Changed<ContractRecord>> {
  const wanted = [...new Set(workerIds)];
  return changeWith(deps, async () => {
    const found = await contractFor(deps, actor, contractId, false);
    if (!found || actor.role !== 'provider') return { answer: unknownContract(contractId) };
    if (found.value.status === 'TERMINATED') return { answer: refuse('CONTRACT_TERMINATED', 'REG-04', 'the contract is terminated') };
    const serviceType = await deps.port.serviceType(found.value.serviceCode);
    if (!serviceType) return { answer: refuse('UNKNOWN_SERVICE', 'REG-04', `service code ${found.value.serviceCode} is not in the catalog`) };
    const bad = await checkDesignated(deps, actor, serviceType, found.value, wanted);
    if (bad) return { answer: bad };
    if (JSON.stringify([...found.value.designatedWorkerIds].sort()) === JSON.stringify([...wanted].sort())) return { answer: { ok: true, status: 200, body: found.value } };
    const value: ContractRecord = { ...found.value, designatedWorkerIds: wanted };
    return {
      change: { writes: [{ kind: 'contract', value, expected: found.version }], audit: [auditEntry('contract', contractId, 'WORKERS_DESIGNATED', actor, formatKst(deps.now()), found.value, value)] },
      answer: { ok: true, status: 200, body: value },
    };
  });
}

/**
 * `POST /v1/contracts/{id}/terminate` (provider, the recipient's municipality): the contract's
 * last day of service is `on`; payments for a later day are refused, and no voucher is made for
 * a month after it (VCH-02). Never before the start; the same date again changes nothing.
 */
export async function terminateContract(deps: RegistryDeps, actor: RegistryActor, contractId: string, request: { on: IsoDate; reason: string }): Promise<Changed<ContractRecord>> {
  return changeWith(deps, async () => {
    const found = await contractFor(deps, actor, contractId, true);
    if (!found) return { answer: unknownContract(contractId) };
    const c = found.value;
    if (c.status === 'TERMINATED' && c.to === request.on) return { answer: { ok: true, status: 200, body: c } };
    if (c.status === 'TERMINATED') return { answer: refuse('CONTRACT_TERMINATED', 'REG-04', `the contract is already terminated with its last day ${c.to}`) };
    if (request.on < c.from) return { answer: refuse('TERMINATION_BEFORE_START', 'REG-04', `the contract starts on ${c.from}; it cannot end before`) };
    const value: ContractRecord = { ...c, status: 'TERMINATED', to: c.to !== null && c.to < request.on ? c.to : request.on, terminatedOn: addDays(c.to !== null && c.to < request.on ? c.to : request.on, 1), terminationReason: request.reason };
    return {
      change: { writes: [{ kind: 'contract', value, expected: found.version }], audit: [auditEntry('contract', contractId, 'TERMINATED', actor, formatKst(deps.now()), c, value)] },
      answer: { ok: true, status: 200, body: value },
    };
  });
}

/**
 * `GET /v1/contracts?endingIn=` (서비스중지대상자, VCH-03): the provider's contracts whose last day
 * falls in the month, listed from two months before that month.
 */
export async function listContracts(
  deps: RegistryDeps,
  actor: RegistryActor,
  query: { status?: ContractRecord['status'] | undefined; serviceCode?: string | undefined; endingIn?: YearMonth | undefined },
  limit: number,
  nextToken?: string,
): Promise<{ ok: true; page: Page<ContractRecord> } | ReturnType<typeof refuse>> {
  if (query.endingIn && kstMonth(deps.now()) < addMonths(query.endingIn, -2))
    return refuse('LIST_NOT_OPEN_YET', 'VCH-03', `contracts ending in ${query.endingIn} are listed from ${firstDayOf(addMonths(query.endingIn, -2))}`);
  const endingBetween = query.endingIn ? { from: firstDayOf(query.endingIn), to: lastDayOf(query.endingIn) } : undefined;
  const page = await deps.port.providerContracts(actor.providerId!, { status: query.status, serviceCode: query.serviceCode, endingBetween }, limit, nextToken);
  return { ok: true, page };
}

export type UnusedContract = ContractRecord & { unusedMonths: number; terminable: boolean };

/** VCH-03 for COMMUNITY: two full months without a payment let the municipality terminate the contract. */
const TERMINABLE_AFTER_MONTHS: Record<string, number> = { COMMUNITY: 2 };

/**
 * `GET /v1/contracts/unused?months=N` (서비스미사용자, VCH-03): running contracts, in force over all
 * of the last N full months (this month not counted), without a session paid in any of them.
 */
export async function listUnusedContracts(deps: RegistryDeps, actor: RegistryActor, months: number, limit: number, nextToken?: string): Promise<Page<UnusedContract>> {
  const thisMonth = kstMonth(deps.now());
  const window = Array.from({ length: months }, (_, i) => addMonths(thisMonth, -(i + 1)));
  const first = firstDayOf(window[window.length - 1]!);
  const today = kstDate(deps.now());
  const page = actor.role === 'municipality' ? await deps.port.municipalityContracts(actor.municipalityCode!, limit, nextToken) : await deps.port.providerContracts(actor.providerId!, { status: 'ACTIVE' }, limit, nextToken);
  const candidates = page.items.filter((c) => c.status !== 'TERMINATED' && c.from <= first && (c.to === null || c.to >= today));
  const used = new Set<string>();
  for (const month of window) {
    for (const v of await deps.vouchers.vouchersOf([...new Set(candidates.map((c) => c.recipientId))], month)) {
      if (v.remainingSessions < v.grantedSessions) used.add(`${v.recipientId}|${v.serviceCode}`);
    }
  }
  const items: UnusedContract[] = [];
  const programs = new Map<string, string>();
  for (const c of candidates) {
    if (used.has(`${c.recipientId}|${c.serviceCode}`)) continue;
    if (!programs.has(c.serviceCode)) programs.set(c.serviceCode, (await deps.port.serviceType(c.serviceCode))?.programCode ?? '');
    const programCode = programs.get(c.serviceCode)!;
    items.push({ ...c, unusedMonths: months, terminable: months >= (TERMINABLE_AFTER_MONTHS[programCode] ?? Infinity) });
  }
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
