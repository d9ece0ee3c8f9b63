/**
 * `cms-transmit` schedule (every 5 minutes, CMS-02/05): creates each transfer date's file and
 * sends created files before the cut-off. The state machine is domain/cms/transmit.ts; this
 * wires the table, S3 and the relay to it and logs and meters what the run did.
 */
import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CmsGateway } from '../../domain/cms/ports';
import { runTransmit as run, type TransmitEvent } from '../../domain/cms/transmit';
import { systemClock } from '../shared/clock';
import { cmsRelay } from '../shared/cms-relay';
import { config } from '../shared/config';
import { cmsObjects } from '../shared/documents';
import { koreanHolidays } from '../shared/holidays';
import { logger, metrics } from '../shared/observability';
import { scheduledJob } from '../shared/schedule';
import { cmsStore } from '../shared/stores';

function report({ kind, ...e }: TransmitEvent): void {
  if (kind === 'created') logger.info('CMS file created', e);
  else if (kind === 'transmitted') metrics.addMetric('CmsFilesTransmitted', MetricUnit.Count, 1);
  else if (kind === 'failed') {
    metrics.addMetric('CmsTransmitFailures', MetricUnit.Count, 1);
    logger.error('CMS file not transmitted', e);
  } else if (kind === 'cutoff-missed') {
    // CMS-05: alarmed (CmsCutoffMissed); the transfers are already in the next business day's file.
    metrics.addMetric('CmsCutoffMissed', MetricUnit.Count, 1);
    logger.error('CMS file missed its cut-off; its transfers and pay days moved to the next business day', e);
  }
  else logger.warn('CMS gateway cannot say whether the file arrived; asking again next run', e);
}

export async function runTransmit(now: Date, gateway: CmsGateway = cmsRelay): Promise<{ files: number }> {
  const { CMS_ORIGINATOR, CMS_DEBIT_BANK_BRANCH, CMS_DEBIT_ACCOUNT } = config();
  const agency = { originator: CMS_ORIGINATOR, debitBankBranch: CMS_DEBIT_BANK_BRANCH, debitAccount: CMS_DEBIT_ACCOUNT };
  const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const { files, events } = await run({ files: cmsStore(), objects: cmsObjects, gateway, holidays: koreanHolidays, agency, digest }, now);
  events.forEach(report);
  return { files };
}

export const handler = scheduledJob(() => runTransmit(systemClock.now()));
