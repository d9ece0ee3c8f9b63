/**
 * The HTTP answers' schemas (api.md): the error envelope every refusal uses, and the bodies of the
 * answers the API document describes. They document; nothing parses them at run time — the
 * end-to-end tests check real answers against the document generated from them
 * (infra/openapi.ts).
 */
import * as z from 'zod';

const won = z.number().int().meta({ description: 'won' });
const instant = z.string().meta({ format: 'date-time', description: 'ISO 8601 instant with its offset' });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const month = z.string().regex(/^\d{4}-\d{2}$/);
const nextToken = z.string().nullable().meta({ description: 'the next page\'s token (`?nextToken=`); null on the last page' });

/** api.md: every refusal, `{ "error": { "code", "message", "details" } }`; `details.rule` names the rule it broke. */
export const errorAnswer = z
  .object({
    error: z.object({
      code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .meta({ id: 'Error', description: 'The error envelope of every refusal' });

// ── terminal API ──────────────────────────────────────────────────────────────────────────────
export const receiptVoucher = z
  .object({ month, remainingAmount: won, remainingSessions: z.number().int().optional(), remainingMinutes: z.number().int().optional() })
  .meta({ id: 'ReceiptVoucher', description: 'What is left of the month\'s voucher: sessions for a SESSION program, minutes for a TIME one' });

export const approvalReceipt = z
  .object({
    approvalNumber: z.string().regex(/^\d{14}$/),
    status: z.literal('APPROVED'),
    amount: won,
    approvedAt: instant,
    voucher: receiptVoucher,
    minutes: z.number().int().optional().meta({ description: 'TIME programs: the minutes billed' }),
    uncoveredAmount: won.optional().meta({ description: 'TIME programs: the won the voucher did not cover' }),
  })
  .meta({ id: 'ApprovalReceipt' });

export const cancelReceipt = z.object({ approvalNumber: z.string().regex(/^\d{14}$/), status: z.literal('CANCELLED'), voucher: receiptVoucher }).meta({ id: 'CancelReceipt' });

export const balanceReceipt = z
  .object({ cardNumber: z.string().regex(/^\d{4}\*{8}\d{4}$/).meta({ description: 'masked' }), serviceCode: z.string(), month, remainingAmount: won, remainingSessions: z.number().int().optional(), remainingMinutes: z.number().int().optional() })
  .meta({ id: 'BalanceReceipt' });

export const batchAnswer = z
  .object({ results: z.array(z.object({ transactionId: z.unknown(), status: z.number().int(), body: z.union([approvalReceipt, errorAnswer]) })) })
  .meta({ id: 'BatchResults', description: 'Each item decided as if sent alone, in request order' });

export const sessionStarted = z.object({ sessionId: z.string().regex(/^S\d{16}$/), startedAt: instant, expiresAt: instant, voucher: receiptVoucher }).meta({ id: 'SessionStarted' });

export const sessionPaid = approvalReceipt.extend({ sessionId: z.string(), minutes: z.number().int(), uncoveredAmount: won }).meta({ id: 'SessionPaid' });

export const sessionClosed = z
  .object({ sessionId: z.string(), status: z.enum(['CLOSED_UNBILLED', 'CLOSED_UNCOVERED']), minutes: z.number().int().optional(), uncoveredAmount: won.optional() })
  .meta({ id: 'SessionClosed' });

// ── operations ────────────────────────────────────────────────────────────────────────────────
export const queuesAnswer = z.object({
  items: z.array(z.object({ queue: z.string(), depth: z.number().int(), inFlight: z.number().int(), oldestAgeSeconds: z.number().nullable(), deadLetters: z.number().int() })),
  nextToken,
});

export const deadLettersAnswer = z.object({
  queue: z.string(),
  items: z.array(
    z.object({
      messageId: z.string(),
      receiveCount: z.number().int(),
      sentAt: instant.nullable(),
      firstReceivedAt: instant.nullable(),
      lastFailedAt: instant.nullable().meta({ description: 'when a consumer last failed on it (its failure note), if known' }),
      error: z.string().nullable(),
      body: z.unknown().meta({ description: 'the message, personal data masked' }),
    }),
  ),
  nextToken,
});

export const redriveAnswer = z.object({ queue: z.string(), moved: z.number().int() });

export const alarmsAnswer = z.object({
  items: z.array(z.object({ name: z.string(), description: z.string(), state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']), reason: z.string(), since: instant.nullable() })),
  nextToken,
});

// ── CMS files ─────────────────────────────────────────────────────────────────────────────────
const cmsState = z.string().regex(/^[A-Z_]+$/);
export const cmsFile = z
  .object({
    fileId: z.string(),
    fileName: z.string(),
    transferDate: date,
    state: cmsState,
    recordCount: z.number().int().optional().meta({ description: 'the file\'s records, once it is created (CMS-02)' }),
    totalAmount: won,
    itemCount: z.number().int(),
    s3Key: z.string().optional(),
    digest: z.string().optional(),
    attempts: z.number().int().optional(),
    lastAttemptAt: instant.optional(),
    receivingSince: instant.optional(),
    lastError: z.string().optional(),
    retryable: z.boolean().optional(),
    movedTo: date.optional(),
    history: z.array(z.object({ at: instant, from: cmsState.nullable(), to: cmsState, note: z.string().optional() })),
    resultKey: z.string().optional(),
    resultForm: z.enum(['NO_FAILURES', 'EVERY_ITEM', 'FAILURES_ONLY']).optional(),
    paidCount: z.number().int().optional(),
    failedCount: z.number().int().optional(),
    failedAmount: won.optional(),
    issues: z.array(z.object({ record: z.number().int(), field: z.string(), code: z.string(), message: z.string() })).optional().meta({ description: 'FLAGGED: why the result was not applied' }),
  })
  .meta({ id: 'CmsFile', description: 'A CMS file and its state (CMS-02/03); the result\'s counts once received' });

export const cmsFilesAnswer = z.object({ items: z.array(cmsFile), nextToken });

// ── reports ───────────────────────────────────────────────────────────────────────────────────
const count = z.number().int();
export const conservationAnswer = z
  .object({
    balanced: z.boolean(),
    checked: z.object({ depositAccounts: count, municipalityPrograms: count, payouts: count }),
    differences: z.array(z.object({ identity: z.string(), subject: z.string(), expected: z.number(), actual: z.number() })),
    totals: z.object({
      deposited: won, paidOut: won, depositBalance: won, granted: won, remaining: won, lapsed: won,
      approved: won, cancelled: won, refunded: won, restored: won, claims: won, payable: won, settled: won,
      minutes: z.object({ granted: count, remaining: count, lapsed: count, approved: count, cancelled: count, restored: count }),
    }),
    at: instant,
  })
  .meta({ id: 'ConservationReport', description: 'PO-08: each identity per municipality × program and deposit account; `differences` lists what does not hold' });

const lapseTally = { vouchers: count, amount: won, sessions: count, minutes: count };
export const lapsedAnswer = z
  .object({
    month,
    final: z.boolean().meta({ description: 'false while the month\'s vouchers are still usable (nothing has lapsed yet)' }),
    items: z.array(z.object({ month, municipalityCode: z.string(), programCode: z.string(), ...lapseTally })),
    totals: z.object(lapseTally),
  })
  .meta({ id: 'LapsedReport' });

// ── payments (PAY-13 history) ─────────────────────────────────────────────────────────────────
const historyCommon = {
  status: z.enum(['APPROVED', 'CANCELLED', 'REFUNDED']),
  approvedAt: instant,
  amount: won,
  kind: z.string(),
  reason: z.string().nullable().optional(),
  channel: z.enum(['TERMINAL', 'SMARTPHONE', 'EXCEPTION_CLAIM']),
  serviceCode: z.string(),
  programCode: z.string(),
  serviceDate: date,
  recipientId: z.string(),
  workerId: z.string(),
};
export const historyItem = z.union([
  z.object({
    approvalNumber: z.string().regex(/^\d{14}$/),
    ...historyCommon,
    workerPaymentId: z.string(),
    cardNumber: z.string().regex(/^\d{4}\*{8}\d{4}$/).meta({ description: 'masked' }),
    terminalSerial: z.string().nullable().optional(),
    cancellation: z.object({ cancelledAt: instant }).nullable(),
    refund: z.union([z.object({ refundId: z.string(), state: z.literal('APPROVED'), refundedAt: instant.optional() }), z.object({ refundId: z.string(), state: z.literal('REQUESTED') })]).nullable(),
  }),
  z.object({ claimId: z.string(), ...historyCommon, cancellation: z.null(), refund: z.null() }),
]).meta({ id: 'HistoryItem', description: 'A payment (card masked) with its cancellation and refund, or an approved exception claim (EXC-03)' });

export const paymentsAnswer = z.object({ providerId: z.string(), from: date, to: date, items: z.array(historyItem), nextToken });
