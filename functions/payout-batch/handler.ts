/**
 * `payout-batch` (regular cycles, PO-01/02: every day at 01:00 KST, the day after a cycle closes
 * whatever the weekday) and `adhoc-payout` (PO-05: business days at 07:00) schedules: decide the
 * runs due on the scheduled day and fan each out, one message per provider shard. Runs are
 * identified by what they pay, so a repeated or late schedule makes no payout twice.
 */
import type { Context } from 'aws-lambda';
import type { PayoutRun } from '../../domain/settlement/payout';
import { adhocRun, dueCycleRuns } from '../../domain/settlement/payouts';
import { formatKst, kstDate } from '../../domain/shared/calendar';
import type { PayoutShardTask } from '../../events/payouts';
import { scheduledJobEvent } from '../../events/schedule';
import { systemClock } from '../shared/clock';
import { RECIPIENT_SHARDS } from '../shared/dynamo/keys';
import { koreanHolidays } from '../shared/holidays';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';

export async function handler(event: unknown, context?: Context) {
  if (context) logger.addContext(context);
  const job = scheduledJobEvent.parse(event);
  const today = kstDate(new Date(job.scheduledTime));
  // An ad-hoc run is made on business days only (adhocRun says none otherwise); cycle runs any day.
  const runs: PayoutRun[] = job.schedule === 'adhoc-payout' ? [adhocRun(today, koreanHolidays)].filter((r): r is PayoutRun => r !== null) : dueCycleRuns(today, koreanHolidays);
  const decidedAt = formatKst(systemClock.now());
  const tasks: PayoutShardTask[] = runs.flatMap((run) => Array.from({ length: RECIPIENT_SHARDS }, (_, shard) => ({ version: 1 as const, run, shard, decidedAt })));
  await sendAll('payouts', tasks);
  logger.info('payout runs fanned out', { today, schedule: job.schedule, runs: runs.map((r) => r.runId) });
  return { today, runs: runs.map((r) => r.runId) };
}
