/**
 * `voucher-generation` queue consumer: one page of one recipient shard (VCH-01, VCH-02, REG-06;
 * or the lapse of a month's remainders, VCH-04), then the next page as a new message, so that no invocation grows with the country's size.
 * Partial batch failures: a failed page is retried alone and ends in the DLQ after the
 * configured receives.
 */
import { createHash } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { kstDate } from '../../domain/shared/calendar';
import { generateMonth } from '../../domain/vouchers/generation';
import { lapseVouchers } from '../../domain/vouchers/lapse';
import { voucherShardTask, type VoucherShardTask } from '../../events/voucher-generation';
import { logger, metrics } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { sqsConsumer } from '../shared/sqs-consumer';
import { jobSteps, voucherStore } from '../shared/stores';

/** Recipients per message unless the task says otherwise: a page finishes well inside the timeout. */
const DEFAULT_PAGE_SIZE = 200;

async function processPage(record: SQSRecord): Promise<void> {
  const task = voucherShardTask.parse(JSON.parse(record.body));
  const store = voucherStore();
  const page = await store.recipientIds(task.shard, { limit: task.pageSize ?? DEFAULT_PAGE_SIZE, ...(task.nextToken ? { nextToken: task.nextToken } : {}) });
  if (task.job === 'LAPSE') {
    const lapsed = await lapseVouchers(store, page.items, task.month, kstDate(new Date(task.decidedAt)), task.decidedAt);
    metrics.addMetric('VouchersLapsed', 'Count', lapsed.vouchers);
    logger.info('voucher lapse page', { month: task.month, shard: task.shard, ...lapsed, more: page.nextToken !== undefined });
  } else {
    const result = await generateMonth(store, page.items, task.month, task.decidedAt);
    metrics.addMetric('VouchersGenerated', 'Count', result.vouchersCreated);
    metrics.addMetric('VouchersNotGenerated', 'Count', result.notGenerated);
    logger.info('voucher shard page', { month: task.month, shard: task.shard, ...result, more: page.nextToken !== undefined });
  }
  if (page.nextToken) await continueOnce({ ...task, nextToken: page.nextToken });
}

/**
 * Sends the shard's next page exactly once per page, even when this message is delivered twice:
 * a step record moves SENDING → SENT around the send, and a SENT step is not sent again.
 */
async function continueOnce(next: VoucherShardTask): Promise<void> {
  const steps = jobSteps();
  const job = `voucher-${next.job === 'LAPSE' ? 'lapse' : 'generation'}#${next.month}#${next.shard}`;
  const step = createHash('sha256').update(next.nextToken ?? '').digest('hex');
  if (!(await steps.claim(job, step))) return; // already continued
  await sendAll('voucher-generation', [next]);
  await steps.complete(job, step);
}

export const handler = sqsConsumer('voucher-generation', processPage);
