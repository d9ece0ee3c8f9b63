/**
 * Terminal API bodies (api.md, fixed) and the payment event that reaches the `screening` queue.
 */
import * as z from 'zod';
import { changedAt, MAKEUP_REASONS, type Payment, type PaymentChange, RETRO_REASONS } from '../domain/payments/payment';
import { isoDate, isoInstant, recordId } from './common';

export const paymentRequest = z
  .object({
    transactionId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, _ . : or -'),
    businessNumber: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
    terminalPhone: z.string().regex(/^01\d{8,9}$/, 'must be a mobile number 01XXXXXXXXX'),
    serviceCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit service code'),
    workerPaymentId: z.string().regex(/^\d{8}$/, 'must be the 8-digit worker payment ID'),
    cardNumber: z.string().regex(/^\d{16}$/, 'must be 16 digits'),
    // null: a retroactive time payment, whose amount follows from its times (TIME-04).
    amount: z.number().int('must be a whole number of won').positive('must be positive').max(10_000_000).nullable(),
    kind: z.enum(['NORMAL', 'RETRO', 'MAKEUP']),
    serviceDate: isoDate,
    serviceStartAt: isoInstant.nullable().optional(),
    serviceEndAt: isoInstant.nullable().optional(),
    reason: z.enum([...RETRO_REASONS, ...MAKEUP_REASONS]).nullable().optional(),
  })
  .strict()
  .refine((r) => r.kind !== 'NORMAL' || r.serviceStartAt, { message: 'a normal payment needs serviceStartAt', path: ['serviceStartAt'] })
  .refine((r) => r.amount !== null || (r.kind === 'RETRO' && r.serviceStartAt && r.serviceEndAt), { message: 'amount null is for a retroactive time payment, with serviceStartAt and serviceEndAt (TIME-04)', path: ['amount'] })
  .refine((r) => !r.serviceEndAt || (r.serviceStartAt && Date.parse(r.serviceEndAt) > Date.parse(r.serviceStartAt)), { message: 'the service ends after it starts', path: ['serviceEndAt'] });

/** §4.7 offline capture: up to 500 full payment requests, each decided as if sent alone. */
export const MAX_BATCH_ITEMS = 500;
export const paymentBatch = z.object({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) }).strict();

/** PAY-12: the card of the path and the service of the query (`query.serviceCode` in errors). */
export const balanceInquiry = z.object({
  cardNumber: z.string().regex(/^\d{16}$/, 'must be 16 digits'),
  query: z.object({ serviceCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit service code') }),
});

/** TIME-01: a start tag (api.md `POST /v1/terminal/sessions/start`). */
export const sessionStartRequest = z
  .object({
    transactionId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, _ . : or -'),
    businessNumber: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
    terminalPhone: z.string().regex(/^01\d{8,9}$/, 'must be a mobile number 01XXXXXXXXX'),
    serviceCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit service code'),
    workerPaymentId: z.string().regex(/^\d{8}$/, 'must be the 8-digit worker payment ID'),
    cardNumber: z.string().regex(/^\d{16}$/, 'must be 16 digits'),
  })
  .strict();

/** TIME-01: an end tag; the session is the path's. */
export const sessionEndRequest = z
  .object({
    sessionId: z.string().regex(/^S\d{16}$/, 'must be a session id S + 16 digits'),
    body: z
      .object({
        transactionId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, _ . : or -'),
        businessNumber: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
        terminalPhone: z.string().regex(/^01\d{8,9}$/, 'must be a mobile number 01XXXXXXXXX'),
      })
      .strict(),
  });

export const cancelRequest = z
  .object({
    transactionId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
    businessNumber: z.string().regex(/^\d{10}$/),
    terminalPhone: z.string().regex(/^01\d{8,9}$/),
  })
  .strict();

export const refundRequest = z
  .object({
    approvalNumber: z.string().regex(/^\d{14}$/, 'must be the 14-digit approval number'),
    reason: z.enum(['OVERCHARGE', 'WRONG_SERVICE', 'NOT_DELIVERED']),
    comment: z.string().trim().max(500).optional(),
  })
  .strict();

export const refundDecision = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/**
 * `screening` and `settlement` queue message (v1): an approval, a cancellation or a refund, as the
 * outbox relay sends it. Both consumers are idempotent per (approvalNumber, event).
 */
export const paymentEvent = z.object({
  version: z.literal(1),
  event: z.enum(['PAYMENT_APPROVED', 'PAYMENT_CANCELLED', 'PAYMENT_REFUNDED']),
  approvalNumber: z.string().regex(/^\d{14}$/),
  providerId: recordId,
  programCode: z.string(),
  serviceCode: z.string(),
  recipientId: recordId,
  workerId: recordId,
  workerPaymentId: z.string(),
  /** The recipient's municipality (whose deposit pays); added in v1 as optional. */
  municipalityCode: z.string().nullable().optional(),
  channel: z.enum(['TERMINAL', 'SMARTPHONE', 'EXCEPTION_CLAIM']),
  kind: z.enum(['NORMAL', 'RETRO', 'MAKEUP']),
  amount: z.number().int().positive(),
  serviceDate: isoDate,
  serviceStartAt: isoInstant.nullable(),
  /** §4.6: a time payment's service end and billed minutes (added in v1 as optional). */
  serviceEndAt: isoInstant.optional(),
  minutes: z.number().int().positive().optional(),
  approvedAt: isoInstant,
  occurredAt: isoInstant,
  /** PAYMENT_REFUNDED: the refund's approval day, whose payout cycle recovers the amount (PAY-11). */
  recoveredOn: isoDate.optional(),
});
export type PaymentEvent = z.infer<typeof paymentEvent>;

/** The outbox event of a payment's change (validated: a broken payment image fails loudly). */
export function paymentEventOf(p: Payment, change: PaymentChange): PaymentEvent {
  return paymentEvent.parse({
    version: 1,
    event: change,
    approvalNumber: p.approvalNumber,
    providerId: p.providerId,
    programCode: p.programCode,
    serviceCode: p.serviceCode,
    recipientId: p.recipientId,
    workerId: p.workerId,
    workerPaymentId: p.workerPaymentId,
    municipalityCode: p.municipalityCode ?? null,
    channel: p.channel,
    kind: p.kind,
    amount: p.amount,
    serviceDate: p.serviceDate,
    serviceStartAt: p.serviceStartAt,
    ...(p.serviceEndAt ? { serviceEndAt: p.serviceEndAt } : {}),
    ...(p.minutes ? { minutes: p.minutes } : {}),
    approvedAt: p.approvedAt,
    occurredAt: changedAt(p, change),
    ...(change === 'PAYMENT_REFUNDED' && p.recoveredOn ? { recoveredOn: p.recoveredOn } : {}),
  });
}
