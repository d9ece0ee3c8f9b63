/**
 * Exception payment claims (예외지급, domain.md §4.4, EXC-01/02/03): when a payment could not be
 * taken for a reason outside the provider's control, the provider claims it; the agency decides;
 * an approved claim is paid with the next payouts. One claim per session (recipient × service ×
 * service start), none where a payment exists, taken by the store in one transaction.
 */
import { type Contract, periodContains, type ServiceType, suspendedOn, type TimeTerms } from '../registry/entities';
import type { HolidayCalendar } from '../shared/business-days';
import { addMonths, formatKst, type IsoDate, kstDate, monthOf } from '../shared/calendar';
import type { Clock, Page, PageRequest } from '../shared/ports';
import { type Refusal, refusalOf, type Refused } from '../shared/result';
import { effectiveGrade } from '../vouchers/voucher';
import type { ClaimHistoryEntry } from './history';
import { billSession } from './time';

export const CLAIM_REASONS = ['CARD_LOST', 'TERMINAL_FAILURE', 'RECIPIENT_DEATH', 'SYSTEM_ERROR'] as const;

export type ClaimReason = (typeof CLAIM_REASONS)[number];

export type ClaimState = 'RECEIVED' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';

export interface ClaimRequest {
  serviceCode: string;
  reason: ClaimReason;
  /** When the reason occurred (the card was lost, the terminal failed …). */
  reasonOccurredOn: IsoDate;
  recipientId: string;
  workerId: string;
  serviceDate: IsoDate;
  serviceStartAt: string;
  serviceEndAt: string;
}

export interface Claim extends ClaimRequest {
  claimId: string;
  providerId: string;
  programCode: string;
  municipalityCode: string;
  amount: number;
  state: ClaimState;
  filedAt: string;
  filedBy: string;
  decidedAt?: string;
  decidedBy?: string;
  decisionReason?: string;
  /** The day bucket that pays it (PO-02: exception claims due). */
  payableOn?: IsoDate;
  /** §4.6: a time program's claim, its billed minutes (the amount is those minutes at the rate, TIME-02). */
  minutes?: number;
}

/** What filing or deciding a claim may refuse (EXC-01/02, §4.6). */
export type ClaimRefusal =
  | Refused<'OUTSIDE_CLAIM_WINDOW', 'EXC-02'>
  | Refused<'SERVICE_IN_FUTURE' | 'INVALID_SERVICE_TIME' | 'UNKNOWN_SERVICE' | 'NO_CONTRACT' | 'WORKER_NOT_ELIGIBLE' | 'UNKNOWN_GRADE', 'EXC-01'>
  | Refused<'BELOW_ONE_UNIT', 'TIME-02'>
  | Refused<'NOT_FOUND' | 'INVALID_STATE', 'EXC-02'>
  | Refused<'DUPLICATE_CLAIM' | 'NO_CONTRACT', 'EXC-03'>;

export interface ClaimContext {
  today: IsoDate;
  providerId: string;
  serviceType: ServiceType | undefined;
  programKind: 'SESSION' | 'TIME' | undefined;
  /** §4.6: a time program's terms, and the holidays its surcharge needs. */
  timeTerms?: TimeTerms | undefined;
  holidays?: HolidayCalendar;
  contracts: Contract[];
  worker: { providerId: string; contracts: { programCode: string; from: IsoDate; to: IsoDate | null }[] } | null;
  recipient: { municipalityCode: string } | null;
  /** PAY-05/06: the service dates of the month's voucher that have a payment (its `paidDays`). */
  paidDays: IsoDate[];
}

/** EXC-01 amount and EXC-02 window: the claim as it would be saved, or why it cannot be. */
export function assessClaim(req: ClaimRequest, ctx: ClaimContext): { ok: true; amount: number; minutes?: number; programCode: string; municipalityCode: string } | Refusal<ClaimRefusal> {
  // EXC-02: from the month after the reason occurred until the end of that month.
  const window = addMonths(monthOf(req.reasonOccurredOn), 1);
  if (monthOf(ctx.today) !== window) return refuse('OUTSIDE_CLAIM_WINDOW', 'EXC-02', `a claim for a reason of ${monthOf(req.reasonOccurredOn)} is filed during ${window}`);
  if (req.serviceDate > ctx.today) return refuse('SERVICE_IN_FUTURE', 'EXC-01', 'the service date has not come yet');
  if (!(new Date(req.serviceEndAt).getTime() > new Date(req.serviceStartAt).getTime())) return refuse('INVALID_SERVICE_TIME', 'EXC-01', 'the service must end after it starts');
  if (!ctx.serviceType || !ctx.programKind) return refuse('UNKNOWN_SERVICE', 'EXC-01', `service ${req.serviceCode} is not in the catalog`);
  // No existence oracle: an unknown recipient and another provider's get the same answer.
  const contracts = ctx.recipient ? ctx.contracts.filter((c) => c.providerId === ctx.providerId && c.serviceCode === req.serviceCode && periodContains(c, req.serviceDate)) : [];
  if (!ctx.recipient || !contracts.length) return refuse('NO_CONTRACT', 'EXC-01', 'the recipient has no contract with this provider for this service on the service date');
  // EXC-03: the contract was running on the service date (not suspended, not terminated by then).
  const contract = contracts.find((c) => !suspendedOn(c, req.serviceDate) && (c.terminatedOn === undefined || req.serviceDate < c.terminatedOn));
  if (!contract) return refuse('NO_CONTRACT', 'EXC-03', 'the contract was suspended or terminated on the service date');
  const timed = ctx.programKind === 'TIME';
  // PAY-05/06 lock a session program's day; a time program's services are told apart by their times (the claim's session, EXC-03).
  if (!timed && ctx.paidDays.includes(req.serviceDate)) return refuse('DUPLICATE_CLAIM', 'EXC-03', `the session of ${req.serviceDate} was paid: a claim stands only for a payment that could not be taken`);
  if (!ctx.worker || ctx.worker.providerId !== ctx.providerId || !ctx.worker.contracts.some((c) => c.programCode === ctx.serviceType!.programCode && periodContains(c, req.serviceDate)))
    return refuse('WORKER_NOT_ELIGIBLE', 'EXC-01', 'the worker is not this provider\'s, for this program, on the service date');
  const gradeCode = effectiveGrade(contract, monthOf(req.serviceDate));
  const grade = ctx.serviceType.grades.find((g) => g.grade === gradeCode);
  if (!grade) return refuse('UNKNOWN_GRADE', 'EXC-01', `grade ${gradeCode} of service ${req.serviceCode} is not in the catalog`);
  if (timed) {
    // §4.6: the minutes at the rate, as TIME-02 bills a session (night and holiday units at the multiple).
    if (!ctx.timeTerms || !ctx.holidays) throw new Error(`service ${req.serviceCode}: a time program without its terms`);
    const bill = billSession(ctx.timeTerms, new Date(req.serviceStartAt), new Date(req.serviceEndAt), ctx.holidays);
    if (bill.units === 0) return refuse('BELOW_ONE_UNIT', 'TIME-02', `a service shorter than one billing unit (${ctx.timeTerms.unitMinutes} minutes) is not paid`);
    return { ok: true, amount: bill.amount, minutes: bill.minutes, programCode: ctx.serviceType.programCode, municipalityCode: ctx.recipient.municipalityCode };
  }
  // EXC-01: the per-session amount, floor(P / N), as a payment of one session would be.
  return { ok: true, amount: Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth), programCode: ctx.serviceType.programCode, municipalityCode: ctx.recipient.municipalityCode };
}

const refuse = refusalOf<ClaimRefusal>();

/** What claims need from storage and the registry. */
export interface ClaimPort {
  /** The service type of a code and its program's kind (the catalog). */
  serviceType(serviceCode: string): Promise<{ serviceType: ServiceType | undefined; programKind: 'SESSION' | 'TIME' | undefined; timeTerms?: TimeTerms | undefined }>;
  /** The recipient with its contracts, the worker, and the paid days of the service month's voucher. */
  context(recipientId: string, workerId: string, voucher: { serviceCode: string; month: string }): Promise<Pick<ClaimContext, 'contracts' | 'worker' | 'recipient' | 'paidDays'>>;
  /**
   * EXC-03: saves the claim with its session taken (recipient × service × service start), in one
   * write, only while that day has no payment; else the claim holding the session, or 'paid'.
   */
  save(claim: Claim): Promise<{ kind: 'saved' } | { kind: 'taken'; claim: Claim } | { kind: 'paid' }>;
  /** EXC-03: a RECEIVED claim of the provider is withdrawn and its session freed; false if it moved. */
  withdraw(claim: Claim, at: string, by: string): Promise<boolean>;
  claim(claimId: string): Promise<Claim | null>;
  /** The decision, and on approval the amount due on its day bucket, in one transaction; false if it was decided already. */
  decide(claim: Claim, decision: ClaimDecision): Promise<boolean>;
  /** A provider's claims, newest first. */
  ofProvider(providerId: string, page: PageRequest): Promise<Page<Claim>>;
}

export type ClaimDecision = Pick<Claim, 'state' | 'decidedAt' | 'decidedBy' | 'decisionReason' | 'payableOn'>;

export interface ClaimDeps {
  store: ClaimPort;
  clock: Clock;
  /** EXC-02: the ledger day an approval is paid from (settlement decides it: the last day of the latest cycle already run). */
  payableDay(today: IsoDate): IsoDate;
  newClaimId(today: IsoDate): string;
  /** TIME-02: a time claim's surcharge needs the holidays. */
  holidays: HolidayCalendar;
}

export type FiledClaim = { ok: true; preview: true; amount: number; minutes?: number; programCode: string } | { ok: true; preview: false; claim: Claim; replayed?: true } | Refusal<ClaimRefusal>;

/** EXC-01/02: a provider files a claim (or previews its amount without saving it). */
export async function fileClaim(deps: ClaimDeps, providerId: string, filedBy: string, request: ClaimRequest, preview: boolean): Promise<FiledClaim> {
  const now = deps.clock.now();
  const [{ serviceType, programKind, timeTerms }, context] = await Promise.all([deps.store.serviceType(request.serviceCode), deps.store.context(request.recipientId, request.workerId, { serviceCode: request.serviceCode, month: monthOf(request.serviceDate) })]);
  const assessed = assessClaim(request, { today: kstDate(now), providerId, serviceType, programKind, timeTerms, holidays: deps.holidays, ...context });
  if (!assessed.ok) return assessed;
  if (preview) return { ok: true, preview: true, amount: assessed.amount, ...(assessed.minutes !== undefined ? { minutes: assessed.minutes } : {}), programCode: assessed.programCode };
  const claim: Claim = {
    ...request,
    claimId: deps.newClaimId(kstDate(now)),
    providerId,
    programCode: assessed.programCode,
    municipalityCode: assessed.municipalityCode,
    amount: assessed.amount,
    ...(assessed.minutes !== undefined ? { minutes: assessed.minutes } : {}),
    state: 'RECEIVED',
    filedAt: formatKst(now),
    filedBy,
  };
  const saved = await deps.store.save(claim);
  if (saved.kind === 'paid') return refuse('DUPLICATE_CLAIM', 'EXC-03', `the session of ${request.serviceDate} was paid: a claim stands only for a payment that could not be taken`);
  if (saved.kind === 'taken') {
    // This very claim, its write resent after a lost answer: filed now, answered as filed.
    if (saved.claim.claimId === claim.claimId) return { ok: true, preview: false, claim: saved.claim };
    // EXC-03: the same request again is answered with its claim; another claim for the session is refused.
    if (sameRequest(saved.claim, claim)) return { ok: true, preview: false, claim: saved.claim, replayed: true };
    return refuse('DUPLICATE_CLAIM', 'EXC-03', `the session is claimed already (${saved.claim.claimId}, ${saved.claim.state})`);
  }
  return { ok: true, preview: false, claim };
}

const REQUEST_FIELDS = ['serviceCode', 'reason', 'reasonOccurredOn', 'recipientId', 'workerId', 'serviceDate', 'serviceStartAt', 'serviceEndAt'] as const satisfies readonly (keyof ClaimRequest)[];
const sameRequest = (a: Claim, b: Claim) => a.providerId === b.providerId && REQUEST_FIELDS.every((f) => a[f] === b[f]);

/** EXC-03: the provider withdraws its own claim while it is RECEIVED; the session may be claimed again. */
export async function withdrawClaim(deps: Pick<ClaimDeps, 'store' | 'clock'>, providerId: string, by: string, claimId: string): Promise<{ ok: true; claim: Claim } | Refusal<ClaimRefusal>> {
  const claim = await deps.store.claim(claimId);
  if (!claim || claim.providerId !== providerId) return refuse('NOT_FOUND', 'EXC-02', `claim ${claimId} not found`);
  const at = formatKst(deps.clock.now());
  if (claim.state !== 'RECEIVED' || !(await deps.store.withdraw(claim, at, by))) return refuse('INVALID_STATE', 'EXC-02', `claim ${claim.claimId} is ${claim.state}; only a received claim is withdrawn`);
  return { ok: true, claim: { ...claim, state: 'WITHDRAWN', decidedAt: at, decidedBy: by } };
}

/**
 * EXC-02: the agency decides a received claim once; an approved claim is put on the last day of
 * the latest cycle already run, so the next ad-hoc payout pays it.
 */
export async function decideClaim(deps: Pick<ClaimDeps, 'store' | 'clock' | 'payableDay'>, claimId: string, decision: { approve: boolean; by: string; reason?: string | undefined }): Promise<{ ok: true; claim: Claim } | Refusal<ClaimRefusal>> {
  const now = deps.clock.now();
  const claim = await deps.store.claim(claimId);
  if (!claim) return refuse('NOT_FOUND', 'EXC-02', `claim ${claimId} not found`);
  const decided: ClaimDecision = {
    state: decision.approve ? 'APPROVED' : 'REJECTED',
    decidedAt: formatKst(now),
    decidedBy: decision.by,
    ...(decision.reason ? { decisionReason: decision.reason } : {}),
    ...(decision.approve ? { payableOn: deps.payableDay(kstDate(now)) } : {}),
  };
  if (!(await deps.store.decide(claim, decided))) return refuse('INVALID_STATE', 'EXC-02', `claim ${claim.claimId} is ${claim.state}; it was decided already`);
  return { ok: true, claim: { ...claim, ...decided } };
}

/** EXC-03: how an approved claim appears in its provider's usage history (PAY-13), on the day it was approved. */
export function claimHistoryEntry(claim: Claim, approvedAt: string): ClaimHistoryEntry {
  return {
    entry: 'CLAIM', claimId: claim.claimId, channel: 'EXCEPTION_CLAIM', providerId: claim.providerId, programCode: claim.programCode, serviceCode: claim.serviceCode,
    recipientId: claim.recipientId, workerId: claim.workerId, serviceDate: claim.serviceDate, amount: claim.amount, reason: claim.reason, approvedAt, approvalDate: kstDate(new Date(approvedAt)),
  };
}
