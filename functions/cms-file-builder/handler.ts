/**
 * `cms-outbound` consumer (CMS-01): each transfer instruction joins the open CMS file of its
 * transfer date, once. An instruction that arrives after its date's file was created joins the
 * next business day's file, and its payout's pay day moves with it (CMS-05).
 */
import type { SQSRecord } from 'aws-lambda';
import { fileTransfer } from '../../domain/cms/transmit';
import { formatKst } from '../../domain/shared/calendar';
import { transferInstruction } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { koreanHolidays } from '../shared/holidays';
import { logger } from '../shared/observability';
import { sqsConsumer } from '../shared/sqs-consumer';
import { cmsStore } from '../shared/stores';


async function processRecord(record: SQSRecord): Promise<void> {
  const instruction = transferInstruction.parse(JSON.parse(record.body));
  const { version: _v, payDate, ...item } = instruction;
  const { transferDate, outcome } = await fileTransfer(cmsStore(), koreanHolidays, item, payDate, formatKst(systemClock.now()));
  logger.info('transfer filed', { payoutId: item.payoutId, transferDate, outcome, ...(transferDate !== payDate ? { payDateReason: 'CUTOFF_MISSED' } : {}) });
}

export const handler = sqsConsumer('cms-outbound', processRecord);
