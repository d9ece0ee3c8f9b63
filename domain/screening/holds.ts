/**
 * Payment holds (지급보류) and their review workflow (검토단계, domain.md §5, HOLD-01..03).
 *
 * A hold keeps its payment out of payouts until it is final. Who may move a hold where is one
 * table here; the store makes each move a conditional write on the state it was decided from,
 * so two people acting at once cannot both succeed.
 */
import type { IsoDate } from '../shared/calendar';
import type { Caller } from '../shared/ports';
import type { Refused } from '../shared/result';
import type { Evidence, ScreeningRuleId } from './rules';

export const HOLD_STATES = ['UNPROCESSED', 'WITHDRAWN', 'DOCUMENTS_SUBMITTED', 'SUPPLEMENT_REQUESTED', 'UNDER_REVIEW', 'REVIEWED', 'VOIDED'] as const;

export type HoldState = (typeof HOLD_STATES)[number];

export type HoldDecision = 'PAY' | 'NO_PAY';

export type HoldRuleId = ScreeningRuleId | 'HOLD-03';

export const HOLD_RULE_IDS: readonly HoldRuleId[] = ['SCR-01', 'SCR-02', 'SCR-03', 'SCR-04', 'HOLD-03'];

/** A final hold no longer changes; `VOIDED` means its payment was cancelled or its evidence was. */
export const FINAL_STATES: readonly HoldState[] = ['WITHDRAWN', 'REVIEWED', 'VOIDED'];

export const isFinal = (state: HoldState) => FINAL_STATES.includes(state);

export interface HoldDocument {
  documentKey: string;
  fileName: string;
  contentType: string;
  size: number;
  issuedAt: string;
}

export interface HoldHistoryEntry {
  at: string;
  by: string;
  role: string;
  from: HoldState | null;
  to: HoldState;
  comment?: string;
  decision?: HoldDecision;
}

export interface Hold {
  holdId: string;
  approvalNumber: string;
  ruleId: HoldRuleId;
  ruleVersion: number;
  /** Holds with the same group key were raised for the same reason on the same event (HOLD-01). */
  groupKey: string;
  state: HoldState;
  decision: HoldDecision | null;
  decisionReason?: string;
  amount: number;
  providerId: string;
  programCode: string;
  serviceCode: string;
  municipalityCode: string | null;
  recipientId: string;
  workerId: string;
  serviceDate: IsoDate;
  /** The payment's approval date (결제일자), what lists filter on. */
  paymentDate: IsoDate;
  evidence: Evidence[];
  documents: HoldDocument[];
  /** Document keys submitted with the last `SUBMIT`. */
  submittedDocumentKeys: string[];
  history: HoldHistoryEntry[];
  createdAt: string;
  updatedAt: string;
  /** When a `PAY` decision or a void made the amount payable again (HOLD-02). */
  releasedAt?: string;
  voidReason?: 'PAYMENT_CANCELLED' | 'PAYMENT_REFUNDED' | 'EVIDENCE_CANCELLED';
}

export type HoldActor = 'provider' | 'agency' | 'system';

/** §5's table: from which states each actor may move a hold to each state. */
const MOVES: Record<Exclude<HoldState, 'UNPROCESSED'>, { by: HoldActor; from: readonly HoldState[] }> = {
  WITHDRAWN: { by: 'provider', from: ['UNPROCESSED', 'SUPPLEMENT_REQUESTED'] },
  DOCUMENTS_SUBMITTED: { by: 'provider', from: ['UNPROCESSED', 'SUPPLEMENT_REQUESTED'] },
  SUPPLEMENT_REQUESTED: { by: 'agency', from: ['DOCUMENTS_SUBMITTED', 'UNDER_REVIEW'] },
  UNDER_REVIEW: { by: 'agency', from: ['UNPROCESSED', 'DOCUMENTS_SUBMITTED'] },
  REVIEWED: { by: 'agency', from: ['UNPROCESSED', 'DOCUMENTS_SUBMITTED', 'SUPPLEMENT_REQUESTED', 'UNDER_REVIEW'] },
  VOIDED: { by: 'system', from: ['UNPROCESSED', 'DOCUMENTS_SUBMITTED', 'SUPPLEMENT_REQUESTED', 'UNDER_REVIEW'] },
};

/** The states a hold may be in for `actor` to move it to `to` (empty: never). */
export function allowedFrom(to: HoldState, actor: HoldActor): readonly HoldState[] {
  if (to === 'UNPROCESSED') return [];
  const move = MOVES[to];
  return move.by === actor ? move.from : [];
}

/** What a move on holds may refuse (§5, HOLD-01), and what an evidence upload may. */
export type HoldRefusal =
  | Refused<'FORBIDDEN_TRANSITION' | 'ILLEGAL_TRANSITION', '§5'>
  | Refused<'HOLDS_NOT_RELATED', 'HOLD-01'>
  | Refused<'DOCUMENT_TYPE_NOT_ALLOWED' | 'DOCUMENT_TOO_LARGE' | 'DOCUMENT_EMPTY' | 'DOCUMENT_MISMATCH', '§5'>;

export type MoveCheck = { ok: true; from: readonly HoldState[] } | { ok: false; refusal: HoldRefusal };

/** Whether `actor` may move `hold` to `to` now. */
export function checkMove(hold: Pick<Hold, 'state' | 'holdId'>, to: HoldState, actor: HoldActor): MoveCheck {
  const from = allowedFrom(to, actor);
  if (!from.length) return { ok: false, refusal: { code: 'FORBIDDEN_TRANSITION', rule: '§5', message: `a ${actor} may not move a hold to ${to}` } };
  if (!from.includes(hold.state))
    return { ok: false, refusal: { code: 'ILLEGAL_TRANSITION', rule: '§5', message: `hold ${hold.holdId} is ${hold.state}; it cannot move to ${to}` } };
  return { ok: true, from };
}

/**
 * HOLD-01: one provider action covers holds raised for the same reason on the same event. Holds
 * of different groups are refused together, so nothing is half-done.
 */
export function checkGroup(holds: readonly Pick<Hold, 'holdId' | 'groupKey'>[]): HoldRefusal | null {
  const groups = new Set(holds.map((h) => h.groupKey));
  if (groups.size <= 1) return null;
  return { code: 'HOLDS_NOT_RELATED', rule: 'HOLD-01', message: 'holds acted on together must be raised for the same reason on the same event' };
}

/**
 * What a move does to its payment's payability (HOLD-02): a hold leaving the open states closes
 * one open hold; `WITHDRAWN` and `NO_PAY` also deny the payment (never paid, reported recovered).
 */
export function paymentEffect(from: HoldState, to: HoldState, decision: HoldDecision | null): { open: number; denied: number } {
  if (isFinal(from) || !isFinal(to)) return { open: 0, denied: 0 };
  const denied = to === 'WITHDRAWN' || (to === 'REVIEWED' && decision === 'NO_PAY') ? 1 : 0;
  return { open: -1, denied };
}

/** Image types a provider may upload as evidence, and the size limit (4 MB each; PDFs too). */
export const DOCUMENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff', 'image/webp', 'application/pdf'] as const;

export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

export function checkDocument(doc: { contentType: string; size: number }): HoldRefusal | null {
  if (!(DOCUMENT_TYPES as readonly string[]).includes(doc.contentType))
    return { code: 'DOCUMENT_TYPE_NOT_ALLOWED', rule: '§5', message: `evidence must be an image (${DOCUMENT_TYPES.filter((t) => t.startsWith('image/')).join(', ')}) or a PDF` };
  if (doc.size > MAX_DOCUMENT_BYTES) return { code: 'DOCUMENT_TOO_LARGE', rule: '§5', message: `evidence files are at most ${MAX_DOCUMENT_BYTES} bytes (4 MB)` };
  if (doc.size < 1) return { code: 'DOCUMENT_EMPTY', rule: '§5', message: 'an evidence file cannot be empty' };
  return null;
}

/** SCR-01 evidence whose payment the reader may not see: what it was, not whose or when. */
export interface ForeignPaymentEvidence {
  kind: 'PAYMENT';
  of: 'ANOTHER_PROVIDER' | 'ANOTHER_MUNICIPALITY';
  description: 'a payment of another provider' | 'a payment of another municipality';
  match: 'SAME_WORKER' | 'SAME_CARD';
  reason: 'APPROVED_WITHIN_GAP' | 'SERVICE_TIMES_OVERLAP';
}

export type ShownEvidence = Evidence | ForeignPaymentEvidence;

/** A hold as one reader sees it. */
export type HoldView = Omit<Hold, 'evidence'> & { evidence: ShownEvidence[] };

/**
 * A hold's evidence only as far as the reader may see each item's subject (issue 15 §2): a
 * payment of another provider or municipality is said to be one, with no approval number,
 * times or distance. A reader sees a payment as it sees a hold (its provider, its municipality,
 * the agency); evidence stored without its owner is shown to the agency alone.
 */
export function holdShownTo(caller: Caller, hold: Hold): HoldView {
  return { ...hold, evidence: hold.evidence.map((e) => evidenceShownTo(caller, e)) };
}

function evidenceShownTo(caller: Caller, e: Evidence): ShownEvidence {
  if (e.kind !== 'PAYMENT') return e;
  const owned = typeof e.providerId === 'string';
  if (owned ? caller.sees({ providerId: e.providerId, municipalityCode: e.municipalityCode }) : caller.role === 'agency') return e;
  return caller.role === 'municipality'
    ? { kind: 'PAYMENT', of: 'ANOTHER_MUNICIPALITY', description: 'a payment of another municipality', match: e.match, reason: e.reason }
    : { kind: 'PAYMENT', of: 'ANOTHER_PROVIDER', description: 'a payment of another provider', match: e.match, reason: e.reason };
}
