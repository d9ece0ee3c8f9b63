/**
 * `voucher-generation` schedule (1st of the month, 00:10 KST): fans the month out, one message
 * per recipient shard, and the lapse of the month two months back (VCH-04), one message per shard
 * too. Running it twice or late only repeats work that creates or lapses nothing new.
 */
import type { Context } from 'aws-lambda';
import { formatKst, kstMonth } from '../../domain/shared/calendar';
import { lapsingMonth } from '../../domain/vouchers/lapse';
import { scheduledJobEvent } from '../../events/schedule';
import type { VoucherShardTask } from '../../events/voucher-generation';
import { systemClock } from '../shared/clock';
import { RECIPIENT_SHARDS } from '../shared/dynamo/keys';
import { logger } from '../shared/observability';
import { sendAll } from '../shared/sqs';

export async function handler(event: unknown, context?: Context) {
  if (context) logger.addContext(context);
  const job = scheduledJobEvent.parse(event);
  const month = kstMonth(new Date(job.scheduledTime));
  const decidedAt = formatKst(systemClock.now());
  const lapsing = lapsingMonth(month);
  const tasks: VoucherShardTask[] = Array.from({ length: RECIPIENT_SHARDS }, (_, shard) => ({ version: 1, month, shard, decidedAt }));
  // VCH-04: the month two months back is no longer usable from today: its remainders lapse.
  const lapses: VoucherShardTask[] = Array.from({ length: RECIPIENT_SHARDS }, (_, shard) => ({ version: 1, job: 'LAPSE', month: lapsing, shard, decidedAt }));
  await sendAll('voucher-generation', [...tasks, ...lapses]);
  logger.info('voucher generation fanned out', { month, lapsing, shards: RECIPIENT_SHARDS });
  return { month, lapsing, shards: RECIPIENT_SHARDS };
}
