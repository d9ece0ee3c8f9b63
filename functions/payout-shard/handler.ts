/**
 * `payouts` queue consumer: one provider shard of one payout run (PO-02..04, CMS-04). The use
 * case is domain/settlement/payouts.ts `payShard`; a payout with money becomes a transfer
 * instruction on `cms-outbound`, sent after the payout is written and marked queued after that,
 * so a repeated message re-sends only unmarked ones (the CMS step is idempotent per payout id).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { payShard, type TransferQueue } from '../../domain/settlement/payouts';
import { payoutShardTask, type TransferInstruction } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { readCatalog } from '../shared/dynamo/catalog';
import { dynamoTable } from '../shared/dynamo/client';
import { logger, metrics } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { sqsConsumer } from '../shared/sqs-consumer';
import { settlementStore } from '../shared/stores';

const transfers: TransferQueue = {
  async queue(payout, payee) {
    const { payoutId, providerId, programCode, payDate, amount, account } = payout;
    const instruction: TransferInstruction = { version: 1, payoutId, providerId, programCode, payDate, amount, bankCode: account!.bankCode, accountNumber: account!.accountNumber, holder: account!.holder, businessNumber: payee.businessNumber };
    await sendAll('cms-outbound', [instruction]);
    await settlementStore().payouts.markInstructionQueued(payoutId, systemClock.now().toISOString());
  },
};

async function processShard(record: SQSRecord): Promise<void> {
  const task = payoutShardTask.parse(JSON.parse(record.body));
  const { engine, payouts } = settlementStore();
  const programs = async () => [...(await readCatalog(dynamoTable())).programs.keys()];
  const tally = await payShard({ engine, records: payouts, transfers, programs, clock: systemClock }, task.run, task.shard);
  metrics.addMetric('PayoutsMade', MetricUnit.Count, tally.paid);
  metrics.addMetric('PayoutsDelayed', MetricUnit.Count, tally.delayed);
  metrics.addMetric('PayoutsNetted', MetricUnit.Count, tally.netted);
  logger.info('payout shard done', { runId: task.run.runId, shard: task.shard, ...tally });
}

export const handler = sqsConsumer('payouts', processShard);
