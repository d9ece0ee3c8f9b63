/**
 * CMS-03/04 results: from 03:00 of the day after a transfer date, its result is fetched — a file of
 * every item, a file of the failed items only, or the relay's answer that nothing failed — kept,
 * and reconciled with what was sent. A result that does not match is flagged for
 * operators and nothing is applied; otherwise each transfer is paid, or — failed — its amount
 * returns to the provider's payable and the deposit. One run at a time holds a file (a lease).
 */
import type { Payout } from '../settlement/payout';
import { addDays, formatKst, type IsoDate, kstDate } from '../shared/calendar';
import { mapConcurrent } from '../shared/concurrency';
import { CmsFormatError, type CmsIssue } from './fields';
import type { CmsFileRecord } from './files';
import { parseCmsFile } from './parse';
import type { CmsFilePort, CmsGateway, CmsObjects } from './ports';
import { outcomesOf, reconcile, type ResultAnswer, resultForm } from './reconcile';

/**
 * A file RECEIVING for less than this is held by a live run (the function times out after
 * 120 s); after it, the run is taken to have died and another run takes the file over.
 */
export const RECEIVING_LEASE_MS = 5 * 60_000;

/** CMS-03, cms.md: results are available from 03:00 on the day after the transfer date, also when that day is a holiday. */
export function resultsFrom(transferDate: IsoDate): Date {
  return new Date(`${addDays(transferDate, 1)}T03:00:00+09:00`);
}

export interface ReceiveDeps {
  files: CmsFilePort;
  objects: CmsObjects;
  gateway: CmsGateway;
  payouts: {
    payout(payoutId: string): Promise<Payout | null>;
    /** CMS-04: the amount returns to the provider's payable and to the deposit, in one transaction. */
    returnFailedPayout(payout: Payout, resultCode: string, at: string): Promise<boolean>;
  };
}

export type ReceiveEvent =
  | { kind: 'flagged'; fileName: string; transferDate: IsoDate; issues: CmsIssue[] }
  | { kind: 'transfers-failed'; fileName: string; failed: { payoutId: string | undefined; resultCode: string; amount: number }[] };

/** Whether this run may work on the file: one run at a time claims it, or takes over a lapsed claim. */
async function claim(files: CmsFilePort, file: CmsFileRecord, now: Date, at: string): Promise<boolean> {
  if (file.state === 'TRANSMITTED') return files.move(file.transferDate, 'TRANSMITTED', 'RECEIVING', at, { receivingSince: now.toISOString() });
  const since = file.receivingSince;
  if (since !== undefined && now.getTime() - new Date(since).getTime() < RECEIVING_LEASE_MS) return false;
  return files.reclaimReceiving(file.transferDate, since, now.toISOString(), at);
}

async function receive(deps: ReceiveDeps, file: CmsFileRecord, now: Date, events: ReceiveEvent[]): Promise<void> {
  const at = formatKst(now);
  if (!(await claim(deps.files, file, now, at))) return;
  const resultName = `EB32${file.fileName.slice(4)}`;
  const answer = await deps.gateway.fetchResult(resultName, file.transferDate);
  if (!answer) {
    // Not yet: the claim is released and the next run asks again.
    await deps.files.releaseReceiving(file.transferDate, now.toISOString());
    return;
  }
  const request = parseCmsFile(await deps.objects.read(file.s3Key!));
  let result: ResultAnswer | null = answer === 'NO_FAILURES' ? { kind: 'no-failures' } : null;
  let issues: CmsIssue[] = [];
  let resultKey: string | undefined;
  if (answer !== 'NO_FAILURES') {
    try {
      const parsed = parseCmsFile(answer);
      issues = reconcile(request, parsed);
      result = { kind: 'file', file: parsed };
    } catch (error) {
      if (!(error instanceof CmsFormatError)) throw error;
      issues = error.issues;
    }
    resultKey = await deps.objects.put(file.transferDate, resultName, answer);
  }
  if (issues.length || !result) {
    await deps.files.move(file.transferDate, 'RECEIVING', 'FLAGGED', at, { resultKey, issues: issues.slice(0, 50) }, `result does not match what was sent (${issues.length} problems)`);
    events.push({ kind: 'flagged', fileName: file.fileName, transferDate: file.transferDate, issues: issues.slice(0, 10) });
    return;
  }
  const references = file.references ?? {};
  // CMS-04: a failed transfer is returned only from SENT. A transmit that died between moving the
  // file to TRANSMITTED and marking its payouts SENT is finished here first (SENT only from
  // SCHEDULED: a payout with a result keeps it). Simulation seed 100: a refused transfer stayed
  // SCHEDULED and its amount was never returned.
  await deps.files.markPayouts(Object.values(references), 'SENT', { transferDate: file.transferDate, cmsFileId: file.fileId });
  const outcomes = outcomesOf(request, result);
  const failed = outcomes.filter((o) => !o.paid);
  await mapConcurrent(outcomes.filter((o) => o.paid), 16, (o) => deps.files.markPayouts([references[o.reference]!], 'PAID', { resultCode: o.resultCode, resultAt: at }));
  for (const o of failed) {
    const payout = await deps.payouts.payout(references[o.reference]!);
    if (payout) await deps.payouts.returnFailedPayout(payout, o.resultCode, at);
  }
  const form = result.kind === 'no-failures' ? 'NO_FAILURES' : resultForm(result.file);
  await deps.files.move(file.transferDate, 'RECEIVING', 'RECEIVED', at, { ...(resultKey ? { resultKey } : {}), resultForm: form, paidCount: outcomes.length - failed.length, failedCount: failed.length, failedAmount: failed.reduce((n, o) => n + o.amount, 0) });
  // CMS-04: operators are alerted; the amounts are paid again once the accounts are corrected.
  if (failed.length) events.push({ kind: 'transfers-failed', fileName: file.fileName, failed: failed.map((o) => ({ payoutId: references[o.reference], resultCode: o.resultCode, amount: o.amount })) });
}

/** One `cms-receive` run over the transmitted files of the last two weeks whose results are due. */
export async function runReceive(deps: ReceiveDeps, now: Date): Promise<{ files: number; events: ReceiveEvent[] }> {
  const today = kstDate(now);
  const events: ReceiveEvent[] = [];
  const { items } = await deps.files.files({ limit: 100 }, addDays(today, -14), today);
  const due = items.filter((f) => (f.state === 'TRANSMITTED' || f.state === 'RECEIVING') && now >= resultsFrom(f.transferDate));
  for (const file of due) await receive(deps, file, now, events);
  return { files: due.length, events };
}
