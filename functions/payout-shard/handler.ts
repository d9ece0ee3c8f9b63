/**
 * `payouts` queue consumer: one provider shard of one payout run. Every provider × program (one
 * payout account each) is paid from its open day buckets (PO-02/03/04); each payout with money
 * becomes a transfer instruction on `cms-outbound`. The instruction is sent after the payout is
 * written and marked sent after that, so a repeated message re-sends only unmarked ones (the CMS
 * step is idempotent per payout id).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { Payout } from '../../domain/settlement/payout';
import { payProvider } from '../../domain/settlement/payouts';
import { payoutShardTask, type TransferInstruction } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { readCatalog } from '../shared/dynamo/catalog';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoSettlementStore } from '../shared/dynamo/settlement-store';
import { logger, metrics } from '../shared/observability';
import { sendAll } from '../shared/sqs';
import { sqsConsumer } from '../shared/sqs-consumer';

let store: DynamoSettlementStore | undefined;

async function queueTransfer(payout: Payout & { instructionQueuedAt?: string }, businessNumber: string): Promise<void> {
  if (payout.amount <= 0 || !payout.account || payout.instructionQueuedAt) return;
  const instruction: TransferInstruction = {
    version: 1, payoutId: payout.payoutId, providerId: payout.providerId, programCode: payout.programCode, payDate: payout.payDate, amount: payout.amount,
    bankCode: payout.account.bankCode, accountNumber: payout.account.accountNumber, holder: payout.account.holder, businessNumber,
  };
  await sendAll('cms-outbound', [instruction]);
  await store!.markInstructionQueued(payout.payoutId, systemClock.now().toISOString());
}

async function processShard(record: SQSRecord): Promise<void> {
  const task = payoutShardTask.parse(JSON.parse(record.body));
  store ??= new DynamoSettlementStore(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000));
  const s = store;
  const port = {
    existing: (id: string) => s.payout(id),
    openBuckets: (p: string, g: string, through: string) => s.openBuckets(p, g, through),
    depositBalance: (m: string, g: string) => s.depositBalance(m, g),
    commit: s.commit.bind(s),
  };
  const tally = { paid: 0, delayed: 0, existing: 0, amount: 0 };
  const programs = [...(await readCatalog(dynamoTable())).programs.keys()];
  for (const provider of await s.providersOfShard(task.shard)) {
    // Every program: one without a payout account still has its dues recorded (delay OTHER).
    for (const programCode of programs) {
      const registered = provider.accounts.find((a) => a.programCode === programCode) ?? null;
      // CMS-04: an account the bank refused is not used again until the provider's account changes.
      const refused = registered ? await s.rejectedAccount(provider.providerId, programCode) : null;
      const account = registered && !(refused && refused.bankCode === registered.bankCode && refused.accountNumber === registered.accountNumber) ? registered : null;
      const outcome = await payProvider(port, task.run, provider.providerId, programCode, account, systemClock.now());
      if (outcome.kind === 'nothing') continue;
      tally[outcome.kind]++;
      if (outcome.kind === 'paid') tally.amount += outcome.payout.amount;
      await queueTransfer(outcome.payout, provider.businessNumber);
    }
  }
  metrics.addMetric('PayoutsMade', MetricUnit.Count, tally.paid);
  metrics.addMetric('PayoutsDelayed', MetricUnit.Count, tally.delayed);
  logger.info('payout shard done', { runId: task.run.runId, shard: task.shard, ...tally });
}

export const handler = sqsConsumer('payouts', processShard);
