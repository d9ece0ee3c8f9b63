/**
 * `cms-receive` schedule (CMS-03/04): fetches, keeps and reconciles the result files that are
 * due. The use case is domain/cms/receive.ts; this wires the table, S3 and the relay to it and
 * logs and meters what the run did.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CmsGateway } from '../../domain/cms/ports';
import { runReceive as run } from '../../domain/cms/receive';
import { systemClock } from '../shared/clock';
import { cmsRelay } from '../shared/cms-relay';
import { cmsObjects } from '../shared/documents';
import { logger, metrics } from '../shared/observability';
import { scheduledJob } from '../shared/schedule';
import { cmsStore, settlementStore } from '../shared/stores';

export async function runReceive(now: Date, gateway: CmsGateway = cmsRelay): Promise<{ files: number }> {
  const { files, events } = await run({ files: cmsStore(), objects: cmsObjects, gateway, payouts: settlementStore().payouts }, now);
  for (const { kind, ...e } of events) {
    if (kind === 'flagged') {
      metrics.addMetric('CmsResultsFlagged', MetricUnit.Count, 1);
      logger.error('CMS result flagged for operators; nothing applied', e);
    } else {
      metrics.addMetric('CmsTransfersFailed', MetricUnit.Count, 'failed' in e ? e.failed.length : 0);
      logger.error('CMS transfers failed', e);
    }
  }
  return { files };
}

export const handler = scheduledJob(() => runReceive(systemClock.now()));
