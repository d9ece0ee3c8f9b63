/**
 * EventBridge Scheduler → Lambda input (v1). The CDK app and the local scheduler both send exactly
 * this; `scheduledTime` is the occurrence the run belongs to, so a late or repeated run works on
 * the same period (architecture.md: jobs work from state, not from "now").
 */
import * as z from 'zod';
import { isoInstant } from './common';

export const scheduleNames = ['voucher-generation', 'payout-batch', 'adhoc-payout', 'cms-transmit', 'cms-receive', 'session-expiry'] as const;
export type ScheduleName = (typeof scheduleNames)[number];

export const scheduledJobEvent = z.object({
  version: z.literal(1),
  schedule: z.enum(scheduleNames),
  scheduledTime: isoInstant,
});
export type ScheduledJobEvent = z.infer<typeof scheduledJobEvent>;
