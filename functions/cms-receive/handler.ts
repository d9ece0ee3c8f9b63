/**
 * `cms-receive` schedule (every 10 minutes, CMS-03/04): from 03:00 of the business day after a
 * file's transfer date, fetches its EB32 result, checks it against what was sent (the request's
 * exact bytes in S3: counts, amounts, serials, references) and only then marks each payout PAID or
 * FAILED with the bank's code. A result that does not match flags the file for operators and
 * applies nothing.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { CmsFormatError, type CmsIssue } from '../../domain/cms/fields';
import { parseCmsFile } from '../../domain/cms/parse';
import type { CmsGateway } from '../../domain/cms/ports';
import { reconcile } from '../../domain/cms/reconcile';
import { nextBusinessDay } from '../../domain/shared/business-days';
import { addDays, formatKst, kstDate } from '../../domain/shared/calendar';
import { scheduledJobEvent } from '../../events/schedule';
import { systemClock } from '../shared/clock';
import { cmsRelay } from '../shared/cms-relay';
import { documentBucket, readObject, s3 } from '../shared/documents';
import { mapConcurrent } from '../../domain/shared/concurrency';
import { dynamoTable } from '../shared/dynamo/client';
import { type CmsFileRecord, DynamoCmsStore } from '../shared/dynamo/cms-store';
import { DynamoSettlementStore } from '../shared/dynamo/settlement-store';
import { koreanHolidays } from '../shared/holidays';
import { flushMetrics, logger, metrics } from '../shared/observability';

/** cms.md: results are available from 03:00 on the business day after the transfer date. */
export function resultsFrom(transferDate: string): Date {
  return new Date(`${nextBusinessDay(transferDate, koreanHolidays)}T03:00:00+09:00`);
}

/**
 * A file RECEIVING for less than this is held by a live run (the function times out after
 * 120 s); after it, the run is taken to have died and another run takes the file over.
 */
export const RECEIVING_LEASE_MS = 5 * 60_000;

/** Whether this run may work on the file: one run at a time claims it, or takes over a lapsed claim. */
async function claim(store: DynamoCmsStore, file: CmsFileRecord, now: Date, at: string): Promise<boolean> {
  if (file.state === 'TRANSMITTED') return store.move(file.transferDate, 'TRANSMITTED', 'RECEIVING', at, { receivingSince: now.toISOString() });
  const since = file.receivingSince;
  if (since !== undefined && now.getTime() - new Date(since).getTime() < RECEIVING_LEASE_MS) return false;
  return store.reclaimReceiving(file.transferDate, since, now.toISOString(), at);
}

async function receive(store: DynamoCmsStore, gateway: CmsGateway, file: CmsFileRecord, now: Date): Promise<void> {
  const at = formatKst(now);
  if (!(await claim(store, file, now, at))) return;
  const resultName = `EB32${file.fileName.slice(4)}`;
  const bytes = await gateway.fetchResult(resultName, file.transferDate);
  if (!bytes) {
    // Not yet: the claim is released and the next run asks again.
    await store.releaseReceiving(file.transferDate, now.toISOString());
    return;
  }
  const request = parseCmsFile(await readObject(file.s3Key!));
  let issues: CmsIssue[];
  let result: ReturnType<typeof parseCmsFile> | null = null;
  try {
    result = parseCmsFile(bytes);
    issues = reconcile(request, result);
  } catch (error) {
    if (!(error instanceof CmsFormatError)) throw error;
    issues = error.issues;
  }
  const resultKey = `cms/${file.transferDate}/${resultName}`;
  await s3().send(new PutObjectCommand({ Bucket: documentBucket(), Key: resultKey, Body: Buffer.from(bytes), ContentType: 'application/octet-stream' }));
  if (issues.length || !result) {
    await store.move(file.transferDate, 'RECEIVING', 'FLAGGED', at, { resultKey, issues: issues.slice(0, 50) }, `result does not match what was sent (${issues.length} problems)`);
    metrics.addMetric('CmsResultsFlagged', MetricUnit.Count, 1);
    logger.error('CMS result flagged for operators; nothing applied', { fileName: file.fileName, transferDate: file.transferDate, issues: issues.slice(0, 10) });
    return;
  }
  const references = file.references ?? {};
  const failed = result.records.filter((r) => r.resultFlag === 'N');
  const settlement = new DynamoSettlementStore(dynamoTable(), () => Math.floor(now.getTime() / 1000));
  await mapConcurrent(result.records.filter((r) => r.resultFlag === 'Y'), 16, (r) => store.markPayouts([references[r.reference]!], 'PAID', { resultCode: r.resultCode, resultAt: at }));
  for (const r of failed) {
    // CMS-04: the amount returns to the provider's payable and to the deposit, in one transaction.
    const payout = await settlement.payout(references[r.reference]!);
    if (payout) await settlement.returnFailedPayout(payout, r.resultCode, at);
  }
  await store.move(file.transferDate, 'RECEIVING', 'RECEIVED', at, { resultKey, paidCount: result.records.length - failed.length, failedCount: failed.length, failedAmount: result.trailer.amountFailed });
  if (failed.length) {
    metrics.addMetric('CmsTransfersFailed', MetricUnit.Count, failed.length);
    // CMS-04: operators are alerted; the amounts are paid again once the accounts are corrected.
    logger.error('CMS transfers failed', { fileName: file.fileName, failed: failed.map((r) => ({ payoutId: references[r.reference], resultCode: r.resultCode, amount: r.amount })) });
  }
}

export async function runReceive(now: Date, gateway: CmsGateway = cmsRelay): Promise<{ files: number }> {
  const store = new DynamoCmsStore(dynamoTable());
  const today = kstDate(now);
  const { items } = await store.files({ limit: 100 }, addDays(today, -14), today);
  const due = items.filter((f) => (f.state === 'TRANSMITTED' || f.state === 'RECEIVING') && now >= resultsFrom(f.transferDate));
  for (const file of due) await receive(store, gateway, file, now);
  return { files: due.length };
}

export async function handler(event: unknown, context?: Context) {
  if (context) logger.addContext(context);
  scheduledJobEvent.parse(event);
  try {
    return await runReceive(systemClock.now());
  } finally {
    flushMetrics();
  }
}
