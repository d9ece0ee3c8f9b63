/**
 * CMS-02/05 transmission: each transfer date's file is created from 09:00 one business day before
 * (the creation time of files.ts), its exact bytes are kept, and created files are sent before the
 * 17:00 cut-off; a file that misses it hands its transfers to the next business day's file. A file moves CREATED → TRANSMITTING → TRANSMITTED | TRANSMIT_FAILED, each move
 * conditioned on the state it leaves; after a timeout the gateway is asked whether it got the
 * file before anything is sent again, so a file is never sent twice.
 */
import { type HolidayCalendar, nextBusinessDay } from '../shared/business-days';
import { addDays, formatKst, type IsoDate, kstDate } from '../shared/calendar';
import { type AgencyAccount, type CmsFileRecord, CmsGatewayTimeout, type CmsTransferItem, creationTime, cutoffTime, MAX_TRANSMIT_ATTEMPTS, requestFileFor, retryAfter } from './files';
import type { CmsFilePort, CmsGateway, CmsObjects } from './ports';

/** A file left TRANSMITTING this long (a run that died mid-send) is checked with the gateway. */
const STUCK_MS = 2 * 60_000;

export interface TransmitDeps {
  files: CmsFilePort;
  objects: CmsObjects;
  gateway: CmsGateway;
  holidays: HolidayCalendar;
  agency: AgencyAccount;
  /** The SHA-256 of a file's bytes, as the gateway compares them. */
  digest(bytes: Uint8Array): string;
}

/** What a run did to one file, for logs and metrics. */
export type TransmitEvent =
  | { kind: 'created'; fileName: string; transferDate: string; records: number; amount: number }
  | { kind: 'transmitted'; fileName: string; transferDate: string }
  | { kind: 'failed'; fileName: string; transferDate: string; reason: string }
  | { kind: 'cutoff-missed'; fileName: string; transferDate: string; movedTo: string; transfers: number; amount: number }
  | { kind: 'receipt-unknown'; fileName: string; transferDate: string; error: Error };

type SendOutcome = 'sent' | 'timeout' | { reason: string; retryable: boolean };

/** Creates a due OPEN file; the file as it is now (unchanged if it had no transfers, null if another run moved it). */
async function create(deps: TransmitDeps, file: CmsFileRecord, now: Date, events: TransmitEvent[]): Promise<CmsFileRecord | null> {
  const items = await deps.files.items(file.transferDate);
  if (items.length === 0) return file;
  const built = requestFileFor(file.transferDate, items, deps.agency);
  const s3Key = await deps.objects.put(file.transferDate, built.file.header.fileName, built.bytes);
  const created = { recordCount: built.file.records.length, totalAmount: built.file.trailer.amountRequested, s3Key, digest: deps.digest(built.bytes), references: built.references, attempts: 0 };
  if (!(await deps.files.move(file.transferDate, 'OPEN', 'CREATED', formatKst(now), created, undefined, items.length))) return null;
  events.push({ kind: 'created', fileName: built.file.header.fileName, transferDate: file.transferDate, records: created.recordCount, amount: created.totalAmount });
  return { ...file, ...created, state: 'CREATED' };
}

async function settleSend(deps: TransmitDeps, file: CmsFileRecord, outcome: SendOutcome, now: Date, events: TransmitEvent[]): Promise<void> {
  let state: 'TRANSMITTED' | 'TRANSMIT_FAILED';
  let set: { lastError?: string; retryable?: boolean } = {};
  if (outcome === 'sent') state = 'TRANSMITTED';
  else if (outcome === 'timeout') {
    // Ask before sending again: only a confirmed "not received" makes a retry possible.
    try {
      state = (await deps.gateway.wasReceived(file.fileName, file.transferDate, file.digest!)) ? 'TRANSMITTED' : 'TRANSMIT_FAILED';
      if (state === 'TRANSMIT_FAILED') set = { lastError: 'TIMEOUT_NOT_RECEIVED', retryable: true };
    } catch (error) {
      events.push({ kind: 'receipt-unknown', fileName: file.fileName, transferDate: file.transferDate, error: error as Error });
      return;
    }
  } else {
    state = 'TRANSMIT_FAILED';
    set = { lastError: outcome.reason, retryable: outcome.retryable };
  }
  if (!(await deps.files.move(file.transferDate, 'TRANSMITTING', state, formatKst(now), set, state === 'TRANSMIT_FAILED' ? String(set.lastError) : undefined))) return;
  if (state === 'TRANSMITTED') {
    await deps.files.markPayouts(Object.values(file.references ?? {}), 'SENT', { transferDate: file.transferDate, cmsFileId: file.fileId });
    events.push({ kind: 'transmitted', fileName: file.fileName, transferDate: file.transferDate });
  } else events.push({ kind: 'failed', fileName: file.fileName, transferDate: file.transferDate, reason: String(set.lastError) });
}

async function transmit(deps: TransmitDeps, file: CmsFileRecord, now: Date, events: TransmitEvent[]): Promise<void> {
  const at = formatKst(now);
  if (now >= cutoffTime(file.transferDate, deps.holidays)) return; // missedCutoff's, not ours
  const attempts = (file.attempts ?? 0) + 1;
  if (!(await deps.files.move(file.transferDate, file.state, 'TRANSMITTING', at, { attempts, lastAttemptAt: now.toISOString() }))) return;
  let outcome: SendOutcome;
  try {
    const result = await deps.gateway.send({ fileName: file.fileName, transferDate: file.transferDate, bytes: await deps.objects.read(file.s3Key!), digest: file.digest! });
    outcome = result.ok ? 'sent' : { reason: result.reason, retryable: result.retryable };
  } catch (error) {
    if (!(error instanceof CmsGatewayTimeout)) throw error;
    outcome = 'timeout';
  }
  await settleSend(deps, { ...file, attempts }, outcome, now, events);
}

/** What one run does to a listed file, by its state and the time. */
function due(file: CmsFileRecord, now: Date): 'transmit' | 'check' | null {
  if (file.state === 'CREATED') return 'transmit';
  if (file.state === 'TRANSMIT_FAILED' && file.retryable && (file.attempts ?? 0) < MAX_TRANSMIT_ATTEMPTS && now >= retryAfter(new Date(file.lastAttemptAt!), file.attempts ?? 1)) return 'transmit';
  if (file.state === 'TRANSMITTING' && now.getTime() - new Date(file.lastAttemptAt!).getTime() > STUCK_MS) return 'check';
  return null;
}

/** The first file from `from` on that still takes transfers (CMS-05: a created file takes none). */
async function joinOpenFile(files: Pick<CmsFilePort, 'addItem'>, holidays: HolidayCalendar, item: CmsTransferItem, from: IsoDate, at: string): Promise<{ transferDate: IsoDate; outcome: 'added' | 'duplicate' }> {
  let transferDate = from;
  for (let tries = 0; tries < 10; tries++) {
    const outcome = await files.addItem(transferDate, item, at);
    if (outcome !== 'closed') return { transferDate, outcome };
    transferDate = nextBusinessDay(transferDate, holidays);
  }
  throw new Error(`no open CMS file for payout ${item.payoutId} in the ten business days from ${from}`);
}

/**
 * CMS-01/05: a transfer instruction joins the open file of its pay day; one decided after that
 * file was created joins the next business day's, and its payout's pay day moves with it.
 */
export async function fileTransfer(files: Pick<CmsFilePort, 'addItem' | 'movePayouts'>, holidays: HolidayCalendar, item: CmsTransferItem, payDate: IsoDate, at: string): Promise<{ transferDate: IsoDate; outcome: 'added' | 'duplicate' }> {
  const joined = await joinOpenFile(files, holidays, item, payDate, at);
  if (joined.transferDate !== payDate) await files.movePayouts([item.payoutId], joined.transferDate, 'CUTOFF_MISSED');
  return joined;
}

/** A file past its cut-off that still holds transfers no file will send. */
function missedItsCutoff(file: CmsFileRecord, now: Date, holidays: HolidayCalendar): boolean {
  if (now < cutoffTime(file.transferDate, holidays) || file.movedTo !== undefined) return false;
  return file.state === 'CREATED' || file.state === 'TRANSMIT_FAILED' || (file.state === 'OPEN' && file.itemCount > 0);
}

/**
 * CMS-05: a file that could not be transmitted by its cut-off is never abandoned. It is closed as
 * TRANSMIT_FAILED (CUTOFF_PASSED), each of its transfers joins the next business day's open file,
 * their payouts' pay day moves with them (`CUTOFF_MISSED`), and operators are alerted. Every step
 * is idempotent, so a run that dies halfway is finished by the next.
 */
async function missedCutoff(deps: TransmitDeps, file: CmsFileRecord, now: Date, events: TransmitEvent[]): Promise<void> {
  const at = formatKst(now);
  if (file.state !== 'TRANSMIT_FAILED') {
    const closed = await deps.files.move(file.transferDate, file.state, 'TRANSMIT_FAILED', at, { lastError: 'CUTOFF_PASSED', retryable: false }, 'CUTOFF_PASSED', file.state === 'OPEN' ? file.itemCount : undefined);
    if (!closed) return; // another run moved it; the next run looks again
  }
  const items = await deps.files.items(file.transferDate);
  const first = nextBusinessDay(file.transferDate, deps.holidays);
  const byDate = new Map<IsoDate, string[]>();
  for (const item of items) {
    const { transferDate } = await joinOpenFile(deps.files, deps.holidays, item, first, at);
    byDate.set(transferDate, [...(byDate.get(transferDate) ?? []), item.payoutId]);
  }
  for (const [payDate, payoutIds] of byDate) await deps.files.movePayouts(payoutIds, payDate, 'CUTOFF_MISSED');
  const movedTo = [...byDate.keys()].sort()[0] ?? first;
  if (!(await deps.files.move(file.transferDate, 'TRANSMIT_FAILED', 'TRANSMIT_FAILED', at, { movedTo }, `transfers moved to ${movedTo}`))) return;
  events.push({ kind: 'cutoff-missed', fileName: file.fileName, transferDate: file.transferDate, movedTo, transfers: items.length, amount: items.reduce((n, i) => n + i.amount, 0) });
}

/** One `cms-transmit` run over the files of the week before to two weeks after today. */
export async function runTransmit(deps: TransmitDeps, now: Date): Promise<{ files: number; events: TransmitEvent[] }> {
  const today = kstDate(now);
  const events: TransmitEvent[] = [];
  const { items } = await deps.files.files({ limit: 100 }, addDays(today, -7), addDays(today, 14));
  for (const listed of items) {
    if (missedItsCutoff(listed, now, deps.holidays)) {
      await missedCutoff(deps, listed, now, events);
      continue;
    }
    const file = listed.state === 'OPEN' && now >= creationTime(listed.transferDate, deps.holidays) ? await create(deps, listed, now, events) : listed;
    if (!file) continue;
    const step = due(file, now);
    if (step === 'transmit') await transmit(deps, file, now, events);
    else if (step === 'check') await settleSend(deps, file, 'timeout', now, events);
  }
  return { files: items.length, events };
}
