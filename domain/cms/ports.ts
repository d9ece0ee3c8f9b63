/** What the CMS use cases need from the world: the relay that takes EB31 files and gives back EB32 results. */
import type { IsoDate } from '../shared/calendar';
import type { Page, PageRequest } from '../shared/ports';
import type { CmsFileRecord, CmsFileState, CmsTransferItem } from './files';

/** The gateway to the CMS relay (production: HTTPS relay; locally: the simulator behind the same API). */
export interface CmsGateway {
  send(file: { fileName: string; transferDate: IsoDate; bytes: Uint8Array; digest: string }): Promise<{ ok: true } | { ok: false; reason: string; retryable: boolean }>;
  /** After a timeout: did the relay get this exact file? */
  wasReceived(fileName: string, transferDate: IsoDate, digest: string): Promise<boolean>;
  /** The result file; `NO_FAILURES` when the relay says nothing failed (and sends no file); null when not available yet. */
  fetchResult(fileName: string, transferDate: IsoDate): Promise<Uint8Array | 'NO_FAILURES' | null>;
}

/** The CMS files of the table: every state change is conditioned on the state it leaves. */
export interface CmsFilePort {
  /** CMS-01: adds a transfer to the OPEN file of its date (made on first use); 'closed' once that file was created. */
  addItem(transferDate: IsoDate, item: CmsTransferItem, at: string): Promise<'added' | 'duplicate' | 'closed'>;
  /** CMS-05: the payouts now go out on `payDate`, and why (their `payDateReason`). */
  movePayouts(payoutIds: readonly string[], payDate: IsoDate, reason: 'CUTOFF_MISSED'): Promise<void>;
  file(transferDate: IsoDate): Promise<CmsFileRecord | null>;
  /** Files with transfer dates in [from, to]. */
  files(page: PageRequest, from?: IsoDate, to?: IsoDate): Promise<Page<CmsFileRecord>>;
  items(transferDate: IsoDate): Promise<CmsTransferItem[]>;
  /** Moves the file from `from` to `to` (with `set`), only if it is in `from` (and holds `expectItemCount` items); false otherwise. */
  move(transferDate: IsoDate, from: CmsFileState, to: CmsFileState, at: string, set?: Record<string, unknown>, note?: string, expectItemCount?: number): Promise<boolean>;
  /** Claims a TRANSMITTED file for receiving, or takes over a claim older than `since`. */
  reclaimReceiving(transferDate: IsoDate, since: string | undefined, sinceNow: string, at: string): Promise<boolean>;
  releaseReceiving(transferDate: IsoDate, since: string): Promise<void>;
  markPayouts(payoutIds: readonly string[], status: 'SENT' | 'PAID' | 'FAILED', extra?: Record<string, unknown>): Promise<void>;
}

/** The exact bytes of files sent and received (S3). */
export interface CmsObjects {
  /** Stores a file's bytes (a request sent, a result received); the key they are kept under. */
  put(transferDate: IsoDate, fileName: string, bytes: Uint8Array): Promise<string>;
  read(key: string): Promise<Uint8Array>;
}
