/**
 * Exception payment claims (예외지급, domain.md §4.4, EXC-01/02): when a payment could not be taken
 * for a reason outside the provider's control, the provider claims it; the agency decides; an
 * approved claim is paid with the next payouts.
 */
import { type Contract, periodContains, type ServiceType } from '../registry/entities';
import { addMonths, type IsoDate, monthOf } from '../shared/calendar';
import { effectiveGrade } from '../vouchers/voucher';

export const CLAIM_REASONS = ['CARD_LOST', 'TERMINAL_FAILURE', 'RECIPIENT_DEATH', 'SYSTEM_ERROR'] as const;

export type ClaimReason = (typeof CLAIM_REASONS)[number];

export type ClaimState = 'RECEIVED' | 'APPROVED' | 'REJECTED';

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
}

export interface ClaimRefusal {
  code: string;
  rule: string;
  message: string;
}

export interface ClaimContext {
  today: IsoDate;
  providerId: string;
  serviceType: ServiceType | undefined;
  programKind: 'SESSION' | 'TIME' | undefined;
  contracts: Contract[];
  worker: { providerId: string; contracts: { programCode: string; from: IsoDate; to: IsoDate | null }[] } | null;
  recipient: { municipalityCode: string } | null;
}

/** EXC-01 amount and EXC-02 window: the claim as it would be saved, or why it cannot be. */
export function assessClaim(req: ClaimRequest, ctx: ClaimContext): { ok: true; amount: number; programCode: string; municipalityCode: string } | { ok: false; refusal: ClaimRefusal } {
  const refuse = (code: string, rule: string, message: string) => ({ ok: false as const, refusal: { code, rule, message } });
  // EXC-02: from the month after the reason occurred until the end of that month.
  const window = addMonths(monthOf(req.reasonOccurredOn), 1);
  if (monthOf(ctx.today) !== window) return refuse('OUTSIDE_CLAIM_WINDOW', 'EXC-02', `a claim for a reason of ${monthOf(req.reasonOccurredOn)} is filed during ${window}`);
  if (req.serviceDate > ctx.today) return refuse('SERVICE_IN_FUTURE', 'EXC-01', 'the service date has not come yet');
  if (!(new Date(req.serviceEndAt).getTime() > new Date(req.serviceStartAt).getTime())) return refuse('INVALID_SERVICE_TIME', 'EXC-01', 'the service must end after it starts');
  if (!ctx.serviceType || !ctx.programKind) return refuse('UNKNOWN_SERVICE', 'EXC-01', `service ${req.serviceCode} is not in the catalog`);
  if (ctx.programKind !== 'SESSION') return refuse('TIME_PROGRAM_NOT_SUPPORTED', '§4.6', 'claims for hourly programs are not supported yet');
  if (!ctx.recipient) return refuse('NO_RECIPIENT', 'EXC-01', `recipient ${req.recipientId} not found`);
  const contract = ctx.contracts.find((c) => c.providerId === ctx.providerId && c.serviceCode === req.serviceCode && periodContains(c, req.serviceDate));
  if (!contract) return refuse('NO_CONTRACT', 'EXC-01', 'the recipient has no contract with this provider for this service on the service date');
  if (!ctx.worker || ctx.worker.providerId !== ctx.providerId || !ctx.worker.contracts.some((c) => c.programCode === ctx.serviceType!.programCode && periodContains(c, req.serviceDate)))
    return refuse('WORKER_NOT_ELIGIBLE', 'EXC-01', 'the worker is not this provider\'s, for this program, on the service date');
  const gradeCode = effectiveGrade(contract, monthOf(req.serviceDate));
  const grade = ctx.serviceType.grades.find((g) => g.grade === gradeCode);
  if (!grade) return refuse('UNKNOWN_GRADE', 'EXC-01', `grade ${gradeCode} of service ${req.serviceCode} is not in the catalog`);
  // EXC-01: the per-session amount, floor(P / N), as a payment of one session would be.
  return { ok: true, amount: Math.floor(grade.monthlySubsidy / grade.sessionsPerMonth), programCode: ctx.serviceType.programCode, municipalityCode: ctx.recipient.municipalityCode };
}
