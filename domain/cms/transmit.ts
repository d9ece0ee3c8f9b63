/**
 * CMS-02/05 transmission: each transfer date's file is created one business day before (from the
 * creation time of files.ts), its exact bytes are kept, and created files are sent before the
 * cut-off. A file moves CREATED → TRANSMITTING → TRANSMITTED | TRANSMIT_FAILED, each move
 * conditioned on the state it leaves; after a timeout the gateway is asked whether it got the
 * file before anything is sent again, so a file is never sent twice.
 */
import type { HolidayCalendar } from '../shared/business-days';
import { addDays, formatKst, kstDate } from '../shared/calendar';
import { type AgencyAccount, type CmsFileRecord, CmsGatewayTimeout, creationTime, cutoffTime, MAX_TRANSMIT_ATTEMPTS, requestFileFor, retryAfter } from './files';
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
  | { kind: 'cutoff-passed'; fileName: string; transferDate: string }
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
  if (now >= cutoffTime(file.transferDate, deps.holidays)) {
    await deps.files.move(file.transferDate, file.state, 'TRANSMIT_FAILED', at, { lastError: 'CUTOFF_PASSED', retryable: false }, 'CUTOFF_PASSED');
    events.push({ kind: 'cutoff-passed', fileName: file.fileName, transferDate: file.transferDate });
    return;
  }
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

/** One `cms-transmit` run over the files of the week before to two weeks after today. */
export async function runTransmit(deps: TransmitDeps, now: Date): Promise<{ files: number; events: TransmitEvent[] }> {
  const today = kstDate(now);
  const events: TransmitEvent[] = [];
  const { items } = await deps.files.files({ limit: 100 }, addDays(today, -7), addDays(today, 14));
  for (const listed of items) {
    const file = listed.state === 'OPEN' && now >= creationTime(listed.transferDate, deps.holidays) ? await create(deps, listed, now, events) : listed;
    if (!file) continue;
    const step = due(file, now);
    if (step === 'transmit') await transmit(deps, file, now, events);
    else if (step === 'check') await settleSend(deps, file, 'timeout', now, events);
  }
  return { files: items.length, events };
}
