/**
 * `cms-outbound` consumer (CMS-01): each transfer instruction joins the open CMS file of its
 * transfer date, once. An instruction that arrives after its date's file was created joins the
 * next business day's file.
 */
import type { SQSRecord } from 'aws-lambda';
import { nextBusinessDay } from '../../domain/shared/business-days';
import { formatKst } from '../../domain/shared/calendar';
import { transferInstruction } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { koreanHolidays } from '../shared/holidays';
import { logger } from '../shared/observability';
import { sqsConsumer } from '../shared/sqs-consumer';
import { cmsStore } from '../shared/stores';


async function processRecord(record: SQSRecord): Promise<void> {
  const instruction = transferInstruction.parse(JSON.parse(record.body));
  const store = cmsStore();
  const { version: _v, payDate, ...item } = instruction;
  let transferDate = payDate;
  for (let tries = 0; tries < 5; tries++) {
    const outcome = await store.addItem(transferDate, item, formatKst(systemClock.now()));
    if (outcome !== 'closed') {
      logger.info('transfer filed', { payoutId: item.payoutId, transferDate, outcome });
      return;
    }
    transferDate = nextBusinessDay(transferDate, koreanHolidays);
  }
  throw new Error(`no open CMS file for payout ${item.payoutId} from ${payDate}`);
}

export const handler = sqsConsumer('cms-outbound', processRecord);
