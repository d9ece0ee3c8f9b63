/** `voucher-generation` queue message (v1): one page of one recipient shard for one month, generating (default) or lapsing (VCH-04). */
import * as z from 'zod';
import { isoInstant, yearMonth } from './common';

export const voucherShardTask = z.object({
  version: z.literal(1),
  /** What the page does to the month's vouchers: generate them (VCH-01), or lapse their remainders (VCH-04). */
  job: z.enum(['GENERATE', 'LAPSE']).optional(),
  month: yearMonth,
  shard: z.number().int().min(0).max(255),
  /** The job's decision instant, recorded on every voucher and outcome of the run. */
  decidedAt: isoInstant,
  /** Recipients per page (default 200): small enough that a page finishes well inside the timeout. */
  pageSize: z.number().int().min(1).max(1000).optional(),
  /** Continuation of the shard after the previous page. */
  nextToken: z.string().max(2048).optional(),
});
export type VoucherShardTask = z.infer<typeof voucherShardTask>;
