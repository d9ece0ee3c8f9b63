/**
 * `cms-transmit` schedule (every 5 minutes, CMS-02/05): creates each transfer date's file one
 * business day before (16:00 KST), stores its exact bytes in S3, and sends created files before
 * the 17:00 cut-off through the CMS gateway. A file moves CREATED → TRANSMITTING → TRANSMITTED |
 * TRANSMIT_FAILED, each move conditioned on the state it leaves; after a timeout the gateway is
 * asked whether it got the file before anything is sent again, so a file is never sent twice.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { CmsGatewayTimeout, creationTime, cutoffTime, MAX_TRANSMIT_ATTEMPTS, requestFileFor, retryAfter } from '../../domain/cms/files';
import type { CmsGateway } from '../../domain/cms/ports';
import { addDays, formatKst, kstDate } from '../../domain/shared/calendar';
import { scheduledJobEvent } from '../../events/schedule';
import { systemClock } from '../shared/clock';
import { cmsRelay } from '../shared/cms-relay';
import { config } from '../shared/config';
import { documentBucket, readObject, s3 } from '../shared/documents';
import { dynamoTable } from '../shared/dynamo/client';
import { type CmsFileRecord, DynamoCmsStore } from '../shared/dynamo/cms-store';
import { koreanHolidays } from '../shared/holidays';
import { flushMetrics, logger, metrics } from '../shared/observability';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

/** A file left TRANSMITTING this long (a run that died mid-send) is checked with the gateway. */
const STUCK_MS = 2 * 60_000;

const fileBytes = (file: CmsFileRecord) => readObject(file.s3Key!);

/** Creates a due OPEN file; the file as it is now (unchanged if it had no transfers, null if another run moved it). */
async function create(store: DynamoCmsStore, file: CmsFileRecord, now: Date): Promise<CmsFileRecord | null> {
  const items = await store.items(file.transferDate);
  if (items.length === 0) return file;
  const { CMS_ORIGINATOR, CMS_DEBIT_BANK_BRANCH, CMS_DEBIT_ACCOUNT } = config();
  const built = requestFileFor(file.transferDate, items, { originator: CMS_ORIGINATOR, debitBankBranch: CMS_DEBIT_BANK_BRANCH, debitAccount: CMS_DEBIT_ACCOUNT });
  const s3Key = `cms/${file.transferDate}/${built.file.header.fileName}`;
  const digest = createHash('sha256').update(built.bytes).digest('hex');
  await s3().send(new PutObjectCommand({ Bucket: documentBucket(), Key: s3Key, Body: built.bytes, ContentType: 'application/octet-stream' }));
  const created = { recordCount: built.file.records.length, totalAmount: built.file.trailer.amountRequested, s3Key, digest, references: built.references, attempts: 0 };
  if (!(await store.move(file.transferDate, 'OPEN', 'CREATED', formatKst(now), created, undefined, items.length))) return null;
  logger.info('CMS file created', { fileName: built.file.header.fileName, transferDate: file.transferDate, records: created.recordCount, amount: created.totalAmount });
  return { ...file, ...created, state: 'CREATED' };
}

async function settleSend(store: DynamoCmsStore, gateway: CmsGateway, file: CmsFileRecord, outcome: 'sent' | 'timeout' | { reason: string; retryable: boolean }, now: Date): Promise<void> {
  const at = formatKst(now);
  let state: 'TRANSMITTED' | 'TRANSMIT_FAILED' | null = null;
  let set: Record<string, unknown> = {};
  if (outcome === 'sent') state = 'TRANSMITTED';
  else if (outcome === 'timeout') {
    // Ask before sending again: only a confirmed "not received" makes a retry possible.
    try {
      state = (await gateway.wasReceived(file.fileName, file.transferDate, file.digest!)) ? 'TRANSMITTED' : 'TRANSMIT_FAILED';
      if (state === 'TRANSMIT_FAILED') set = { lastError: 'TIMEOUT_NOT_RECEIVED', retryable: true };
    } catch (error) {
      logger.warn('CMS gateway cannot say whether the file arrived; asking again next run', { fileName: file.fileName, error: error as Error });
      return;
    }
  } else {
    state = 'TRANSMIT_FAILED';
    set = { lastError: outcome.reason, retryable: outcome.retryable };
  }
  if (await store.move(file.transferDate, 'TRANSMITTING', state, at, set, state === 'TRANSMIT_FAILED' ? String(set.lastError) : undefined)) {
    metrics.addMetric(state === 'TRANSMITTED' ? 'CmsFilesTransmitted' : 'CmsTransmitFailures', MetricUnit.Count, 1);
    if (state === 'TRANSMITTED') await store.markPayouts(Object.values(file.references ?? {}), 'SENT', { transferDate: file.transferDate, cmsFileId: file.fileId });
    else logger.error('CMS file not transmitted', { fileName: file.fileName, transferDate: file.transferDate, reason: set.lastError });
  }
}

async function transmit(store: DynamoCmsStore, gateway: CmsGateway, file: CmsFileRecord, now: Date): Promise<void> {
  const at = formatKst(now);
  if (now >= cutoffTime(file.transferDate, koreanHolidays)) {
    await store.move(file.transferDate, file.state, 'TRANSMIT_FAILED', at, { lastError: 'CUTOFF_PASSED', retryable: false }, 'CUTOFF_PASSED');
    logger.error('CMS file missed the cut-off', { fileName: file.fileName, transferDate: file.transferDate });
    return;
  }
  const attempts = (file.attempts ?? 0) + 1;
  if (!(await store.move(file.transferDate, file.state, 'TRANSMITTING', at, { attempts, lastAttemptAt: now.toISOString() }))) return;
  let outcome: 'sent' | 'timeout' | { reason: string; retryable: boolean };
  try {
    const result = await gateway.send({ fileName: file.fileName, transferDate: file.transferDate, bytes: await fileBytes(file), digest: file.digest! });
    outcome = result.ok ? 'sent' : { reason: result.reason, retryable: result.retryable };
  } catch (error) {
    if (!(error instanceof CmsGatewayTimeout)) throw error;
    outcome = 'timeout';
  }
  await settleSend(store, gateway, { ...file, attempts }, outcome, now);
}

export async function runTransmit(now: Date, gateway: CmsGateway = cmsRelay): Promise<{ files: number }> {
  const store = new DynamoCmsStore(dynamoTable());
  const today = kstDate(now);
  const { items } = await store.files({ limit: 100 }, addDays(today, -7), addDays(today, 14));
  for (const listed of items) {
    const file = listed.state === 'OPEN' && now >= creationTime(listed.transferDate, koreanHolidays) ? await create(store, listed, now) : listed;
    if (!file) continue;
    if (file.state === 'CREATED') await transmit(store, gateway, file, now);
    else if (file.state === 'TRANSMIT_FAILED' && file.retryable && (file.attempts ?? 0) < MAX_TRANSMIT_ATTEMPTS && now >= retryAfter(new Date(file.lastAttemptAt!), file.attempts ?? 1)) await transmit(store, gateway, file, now);
    else if (file.state === 'TRANSMITTING' && now.getTime() - new Date(file.lastAttemptAt!).getTime() > STUCK_MS) await settleSend(store, gateway, file, 'timeout', now);
  }
  return { files: items.length };
}

export async function handler(event: unknown, context?: Context) {
  if (context) logger.addContext(context);
  scheduledJobEvent.parse(event);
  try {
    return await runTransmit(systemClock.now());
  } finally {
    flushMetrics();
  }
}
