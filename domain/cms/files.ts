/**
 * CMS files and their life (domain.md §7, CMS-01/02/05): transfer instructions are collected per
 * transfer date, the file is created from 09:00 one business day before it, sent before the 17:00
 * cut-off, and never sent twice unless the gateway confirms it did not receive it; a file that
 * misses its cut-off hands its transfers to the next business day's file.
 */
import { type HolidayCalendar, previousBusinessDay } from '../shared/business-days';
import type { IsoDate } from '../shared/calendar';
import { buildRequestFile, encodeCmsFile } from './encode';
import type { CmsFile } from './fields';

export type CmsFileState = 'OPEN' | 'CREATED' | 'TRANSMITTING' | 'TRANSMITTED' | 'TRANSMIT_FAILED' | 'RECEIVING' | 'RECEIVED' | 'FLAGGED';

/** A transfer date's file as stored: its state, what it holds and how its sends went. */
export interface CmsFileRecord {
  fileId: string;
  fileName: string;
  transferDate: IsoDate;
  state: CmsFileState;
  recordCount: number;
  totalAmount: number;
  itemCount: number;
  s3Key?: string;
  digest?: string;
  references?: Record<string, string>;
  attempts?: number;
  lastAttemptAt?: string;
  /** While RECEIVING: when the run that holds the file claimed it (ISO instant). */
  receivingSince?: string;
  lastError?: string;
  /** After TRANSMIT_FAILED: whether another attempt may succeed. */
  retryable?: boolean;
  /** CMS-05: a file that missed its cut-off had its transfers moved to this transfer date's file. */
  movedTo?: IsoDate;
  history: { at: string; from: CmsFileState | null; to: CmsFileState; note?: string }[];
  /** CMS-03, once a result is in: where it is kept, and what it said (or, FLAGGED, why it was not applied). */
  resultKey?: string;
  resultForm?: 'NO_FAILURES' | 'EVERY_ITEM' | 'FAILURES_ONLY';
  paidCount?: number;
  failedCount?: number;
  failedAmount?: number;
  issues?: { record: number; field: string; code: string; message: string }[];
}

export interface CmsTransferItem {
  payoutId: string;
  providerId: string;
  programCode: string;
  amount: number;
  bankCode: string;
  accountNumber: string;
  holder: string;
  businessNumber: string;
}

export class CmsGatewayTimeout extends Error {
  override readonly name = 'CmsGatewayTimeout';
}

const KST = '+09:00';

/**
 * CMS-05: the file of a transfer date is created by the first transmit run from 09:00 KST of the
 * business day before, which leaves the day until the 17:00 cut-off for retries.
 */
export function creationTime(transferDate: IsoDate, holidays: HolidayCalendar): Date {
  return new Date(`${previousBusinessDay(transferDate, holidays)}T09:00:00${KST}`);
}

/** cms.md: a request is transmitted by 17:00 on the business day before the transfer date. */
export function cutoffTime(transferDate: IsoDate, holidays: HolidayCalendar): Date {
  return new Date(`${previousBusinessDay(transferDate, holidays)}T17:00:00${KST}`);
}

/** Retries of a failed transmission wait 5, 10, 20 … minutes (while the cut-off allows). */
export const MAX_TRANSMIT_ATTEMPTS = 5;

export function retryAfter(lastAttemptAt: Date, attempts: number): Date {
  return new Date(lastAttemptAt.getTime() + 5 * 60_000 * 2 ** Math.max(0, attempts - 1));
}

/** The 25-byte reference of each transfer: the file's date and serial, mapped to its payout id. */
function referenceOf(transferDate: IsoDate, serial: number): string {
  return `T${transferDate.replace(/-/g, '').slice(2)}${String(serial).padStart(8, '0')}`;
}

export interface AgencyAccount {
  originator: string;
  debitBankBranch: string;
  debitAccount: string;
}

/** The EB31 of a transfer date: items in payout-id order, serials from 1. */
export function requestFileFor(transferDate: IsoDate, items: readonly CmsTransferItem[], agency: AgencyAccount): { file: CmsFile; bytes: Buffer; references: Record<string, string> } {
  const sorted = [...items].sort((a, b) => a.payoutId.localeCompare(b.payoutId));
  const references: Record<string, string> = {};
  const file = buildRequestFile({
    ...agency,
    transferDate,
    items: sorted.map((item, i) => {
      const reference = referenceOf(transferDate, i + 1);
      references[reference] = item.payoutId;
      return { bankCode: item.bankCode, account: item.accountNumber, amount: item.amount, businessNumber: item.businessNumber, passbookText: '바우처 제공비용', reference };
    }),
  });
  return { file, bytes: encodeCmsFile(file), references };
}
