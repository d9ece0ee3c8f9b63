/**
 * Payouts: the `payouts` queue's shard task (v1), the `cms-outbound` transfer instruction (v1) and
 * the deposit body of `POST /v1/deposits` (api.md).
 */
import * as z from 'zod';
import { isoDate, isoInstant, municipalityCode, programCode, recordId } from './common';

export const payoutRun = z.object({
  runId: z.string().regex(/^(\d{4}-\d{2}-[123]|adhoc-\d{4}-\d{2}-\d{2})$/),
  runDate: isoDate,
  cycle: z.string(),
  payDate: isoDate,
  /** PO-01: why the pay day is not the cycle's moved nominal one; the payout says it (api.md). */
  payDateReason: z.enum(['AFTER_CYCLE_CLOSE', 'CUTOFF_MISSED']).nullable().optional(),
  throughDay: isoDate,
});

/** One provider shard of one payout run. */
export const payoutShardTask = z.object({
  version: z.literal(1),
  run: payoutRun,
  shard: z.number().int().min(0).max(255),
  decidedAt: isoInstant,
});
export type PayoutShardTask = z.infer<typeof payoutShardTask>;

/** `cms-outbound` (v1): one credit transfer for the CMS file of its pay date (CMS-01). */
export const transferInstruction = z.object({
  version: z.literal(1),
  payoutId: z.string(),
  providerId: recordId,
  programCode: z.string(),
  payDate: isoDate,
  amount: z.number().int().positive(),
  bankCode: z.string().regex(/^\d{3}$/),
  accountNumber: z.string().regex(/^\d{6,16}$/),
  holder: z.string().min(1).max(40),
  /** The payee's business registration number, written in the CMS record. */
  businessNumber: z.string().regex(/^\d{10}$/),
});
export type TransferInstruction = z.infer<typeof transferInstruction>;

/** PO-03 deposit. `depositId` is optional; without it the content is the idempotency key. */
export const depositRequest = z
  .object({
    municipalityCode,
    programCode,
    amount: z.number().int('must be a whole number of won').positive('must be positive').max(100_000_000_000),
    depositedAt: isoInstant,
    depositId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).optional(),
  })
  .strict();

/** EXC-01 claim; `preview: true` answers the amount without saving the claim. */
export const claimRequest = z
  .object({
    serviceCode: z.string().regex(/^\d{6}$/, 'must be the 6-digit service code'),
    reason: z.enum(['CARD_LOST', 'TERMINAL_FAILURE', 'RECIPIENT_DEATH', 'SYSTEM_ERROR']),
    reasonOccurredOn: isoDate,
    recipientId: recordId,
    workerId: recordId,
    serviceDate: isoDate,
    serviceStartAt: isoInstant,
    serviceEndAt: isoInstant,
    preview: z.boolean().optional(),
  })
  .strict();

export const claimDecision = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
