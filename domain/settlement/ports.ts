/** What payouts need from storage. */
import type { IsoDate } from '../shared/calendar';
import type { Bucket, PayoutPlan } from './ledger';
import type { Payout } from './payout';

export interface PayoutPort {
  existing(payoutId: string): Promise<Payout | null>;
  openBuckets(providerId: string, programCode: string, throughDay: IsoDate): Promise<Bucket[]>;
  depositBalance(municipalityCode: string, programCode: string): Promise<number>;
  /**
   * Writes the payout (if any), settles its buckets, draws its deposits and closes the settled
   * buckets in one transaction; 'conflict' if any of them moved since it was read.
   */
  commit(payout: Payout | null, plan: PayoutPlan, settledBuckets: Bucket[], at: string): Promise<'committed' | 'conflict' | 'exists'>;
}
