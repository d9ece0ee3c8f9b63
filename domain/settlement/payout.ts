/** A payout (지급) of one provider × program in one run, and the run that made it (PO-01..05). */
import type { PayoutAccount } from '../registry/entities';
import type { IsoDate } from '../shared/calendar';
import type { Delay } from './ledger';

/** PO-04: `NETTED` is a payout that nets to exactly zero: recorded, never transferred. */
export type PayoutStatus = 'SCHEDULED' | 'SENT' | 'PAID' | 'FAILED' | 'DELAYED' | 'NETTED';

export type PayDateReason = 'AFTER_CYCLE_CLOSE' | 'CUTOFF_MISSED';

export interface PayoutRun {
  runId: string;
  /** The day the run is made on (regular: the day after the cycle's last day, PO-01). */
  runDate: IsoDate;
  /** `2026-03-1` … or `adhoc`. */
  cycle: string;
  payDate: IsoDate;
  /** Why the pay day is not the cycle's moved nominal one (api.md `payDateReason`). */
  payDateReason?: PayDateReason | null;
  /** Buckets of days up to this one are paid. */
  throughDay: IsoDate;
}

export interface Payout {
  payoutId: string;
  runId: string;
  providerId: string;
  programCode: string;
  cycle: string;
  payDate: IsoDate;
  /** null, or why the pay day moved: `AFTER_CYCLE_CLOSE` (PO-01), `CUTOFF_MISSED` (CMS-05). */
  payDateReason: PayDateReason | null;
  amount: number;
  status: PayoutStatus;
  resultCode: string | null;
  account: PayoutAccount | null;
  /** What was paid from which municipality's deposit and which day. */
  draws: { day: IsoDate; municipalityCode: string; amount: number }[];
  deposits: { municipalityCode: string; amount: number }[];
  delays: Delay[];
  createdAt: string;
  /** When its transfer instruction was queued for the CMS file. */
  instructionQueuedAt?: string;
}
