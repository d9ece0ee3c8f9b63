/**
 * Screening: the rules' configuration (SCR-06), the `screening` queue's evidence message, the
 * evidence feeds (api.md §Feeds) and the hold workflow bodies (HOLD-01..03).
 */
import * as z from 'zod';
import { HOLD_RULE_IDS, HOLD_STATES } from '../domain/screening/holds';
import { DEFAULT_SCREENING_RULES, type ScreenedPayment, type ScreeningRules } from '../domain/screening/rules';
import { isoDate, municipalityCode, recordId } from './common';
import { paymentEvent } from './payments';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00-23:59)');
const version = z.number().int().min(1);

/** SCR-06: thresholds and windows, each rule versioned. Unknown keys are refused, not ignored. */
export const screeningRules = z
  .object({
    'SCR-01': z
      .object({
        version,
        enabled: z.boolean(),
        gapMinutes: z.number().int().min(1).max(24 * 60),
        sessionMinutes: z.number().int().min(1).max(24 * 60),
        maxEvidence: z.number().int().min(1).max(50),
      })
      .strict(),
    'SCR-02': z.object({ version, enabled: z.boolean(), nightStart: hhmm, nightEnd: hhmm }).strict().refine((r) => r.nightStart !== r.nightEnd, { message: 'the night window cannot be empty', path: ['nightEnd'] }),
    'SCR-03': z.object({ version, enabled: z.boolean() }).strict(),
    'SCR-04': z.object({ version, enabled: z.boolean() }).strict(),
  })
  .strict() satisfies z.ZodType<ScreeningRules>;

/**
 * The rules in force: `SCREENING_RULES` (JSON) when set, else the defaults. A bad configuration
 * stops the function at start with the failing fields, rather than screening with wrong rules.
 */
export function loadScreeningRules(json: string | undefined): ScreeningRules {
  if (json === undefined || json.trim() === '') return DEFAULT_SCREENING_RULES;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('SCREENING_RULES is not valid JSON (SCR-06)');
  }
  const parsed = screeningRules.safeParse(raw);
  if (!parsed.success) throw new Error(`SCREENING_RULES is not valid (SCR-06): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** `screening` queue (v1): evidence about a person was recorded; re-screen their payments (SCR-05). */
export const evidenceEvent = z.object({
  version: z.literal(1),
  event: z.literal('EVIDENCE_RECORDED'),
  personKind: z.enum(['RECIPIENT', 'WORKER']),
  personId: recordId,
  /** Payments approved on or after this date are screened again. */
  since: isoDate,
  occurredAt: z.string(),
});
export type EvidenceEvent = z.infer<typeof evidenceEvent>;

/** Every message the `screening` queue carries. */
export const screeningMessage = z.discriminatedUnion('event', [
  paymentEvent.extend({ event: z.literal('PAYMENT_APPROVED') }),
  paymentEvent.extend({ event: z.literal('PAYMENT_CANCELLED') }),
  paymentEvent.extend({ event: z.literal('PAYMENT_REFUNDED') }),
  evidenceEvent,
]);
export type ScreeningMessage = z.infer<typeof screeningMessage>;

const rrn = z.string().regex(/^\d{6}-?\d{7}$/, 'must be an RRN (YYMMDD-NNNNNNN)');
const MAX_FEED_RECORDS = 1000;

export const deathFeed = z
  .object({ records: z.array(z.object({ rrn, deathDate: isoDate }).strict()).min(1).max(MAX_FEED_RECORDS) })
  .strict();
export const immigrationFeed = z
  .object({ records: z.array(z.object({ rrn, direction: z.enum(['DEPARTURE', 'ENTRY']), date: isoDate }).strict()).min(1).max(MAX_FEED_RECORDS) })
  .strict();

const comment = z.string().trim().min(1, 'a comment is required').max(1000);
/**
 * Holds moved or placed together in one transaction: each takes up to three items (the hold, its
 * payment's counts, its day bucket) and DynamoDB takes 100 per transaction, so at most 33.
 */
export const MAX_HOLDS_PER_ACTION = 33;
const holdId = z.string().regex(/^H\d{14}-[A-Z0-9]{4,6}$/, 'must be a hold id');

/** HOLD-01: withdraw or submit holds of one event together. */
export const holdAction = z
  .object({
    action: z.enum(['WITHDRAW', 'SUBMIT']),
    holdIds: z.array(holdId).min(1).max(MAX_HOLDS_PER_ACTION).refine((ids) => new Set(ids).size === ids.length, { message: 'hold ids must not repeat' }),
    comment,
    documentKeys: z.array(z.string().min(1).max(300)).max(20).optional(),
  })
  .strict()
  .refine((a) => a.action !== 'SUBMIT' || (a.documentKeys?.length ?? 0) > 0, { message: 'submitting needs at least one uploaded document', path: ['documentKeys'] });

export const documentRequest = z
  .object({
    fileName: z.string().trim().min(1).max(200).regex(/^[^/\\\u0000-\u001f]+$/, 'must be a plain file name'),
    contentType: z.string().trim().min(1).max(100),
    size: z.number().int().min(0),
  })
  .strict();

export const holdReview = z
  .object({
    state: z.enum(['SUPPLEMENT_REQUESTED', 'UNDER_REVIEW', 'REVIEWED']),
    decision: z.enum(['PAY', 'NO_PAY']).optional(),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .refine((r) => (r.state === 'REVIEWED') === (r.decision !== undefined), { message: 'a decision (PAY or NO_PAY) goes with REVIEWED, and only with it', path: ['decision'] })
  .refine((r) => r.state === 'UNDER_REVIEW' || r.reason !== undefined, { message: 'a reason is required', path: ['reason'] });

/** HOLD-03: a municipality (or the agency) holds payments of a provider, reason `OTHER`. */
export const manualHold = z
  .object({
    providerId: recordId,
    approvalNumbers: z.array(z.string().regex(/^\d{14}$/, 'must be a 14-digit approval number')).min(1).max(MAX_HOLDS_PER_ACTION),
    reason: z.literal('OTHER').default('OTHER'),
    comment,
  })
  .strict();

export const holdQuery = z
  .object({
    state: z.enum(HOLD_STATES).optional(),
    ruleId: z.enum(HOLD_RULE_IDS as [string, ...string[]]).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    providerId: recordId.optional(),
    municipalityCode: municipalityCode.optional(),
  })
  .strict();

/** A payment message as screening sees it: approved, cancelled or refunded by its event. */
export function screenedPaymentOf(message: Extract<ScreeningMessage, { approvalNumber: string }>): ScreenedPayment {
  const status = message.event === 'PAYMENT_APPROVED' ? 'APPROVED' : message.event === 'PAYMENT_CANCELLED' ? 'CANCELLED' : 'REFUNDED';
  return {
    approvalNumber: message.approvalNumber,
    providerId: message.providerId,
    programCode: message.programCode,
    serviceCode: message.serviceCode,
    recipientId: message.recipientId,
    workerId: message.workerId,
    municipalityCode: message.municipalityCode ?? null,
    channel: message.channel,
    kind: message.kind,
    amount: message.amount,
    serviceDate: message.serviceDate,
    serviceStartAt: message.serviceStartAt,
    ...(message.serviceEndAt ? { serviceEndAt: message.serviceEndAt } : {}),
    approvedAt: message.approvedAt,
    status,
  };
}
