/**
 * PO-03: a deposit that cannot cover a run is shared across all the providers drawing on it,
 * oldest approval day first, the same day in provider id order. The share is decided once per run
 * and deposit, from the deposit's balance and every provider's open days before any of them is
 * paid, and kept; each provider's payout then draws at most its share. So who is paid does not
 * depend on which shard of the run happens to run first.
 */
import type { IsoDate } from '../shared/calendar';
import { type Bucket, payableNow } from './ledger';

export interface DepositAllocation {
  runId: string;
  municipalityCode: string;
  programCode: string;
  /** The balance shared out (never below zero). */
  balance: number;
  /** What the run's providers could be paid from this deposit in all. */
  demand: number;
  /** The deposit does not cover the demand: each provider draws at most its share. */
  short: boolean;
  /** Provider id → what it may draw in this run (only when `short`). */
  shares: Record<string, number>;
}

/** Shares out `balance` over the providers' open days of one deposit (PO-03), oldest first, then by provider id. */
export function allocateDeposit(run: { runId: string }, municipalityCode: string, programCode: string, balance: number, buckets: readonly Bucket[]): DepositAllocation {
  const due = buckets
    .filter((b) => b.municipalityCode === municipalityCode && b.programCode === programCode && payableNow(b) > 0)
    .sort((a, b) => a.day.localeCompare(b.day) || a.providerId.localeCompare(b.providerId));
  const demand = due.reduce((n, b) => n + payableNow(b), 0);
  let left = Math.max(0, balance);
  const base = { runId: run.runId, municipalityCode, programCode, balance: left, demand };
  // Covered: every provider is paid in full, from the balance as it is when its payout is made.
  if (demand <= left) return { ...base, short: false, shares: {} };
  const shares: Record<string, number> = {};
  for (const b of due) {
    if (left === 0) break;
    const take = Math.min(left, payableNow(b));
    shares[b.providerId] = (shares[b.providerId] ?? 0) + take;
    left -= take;
  }
  return { ...base, short: true, shares };
}

/** What allocation needs from storage. */
export interface AllocationPort {
  /** The allocation already decided for a run and deposit, if any. */
  allocation(runId: string, municipalityCode: string, programCode: string): Promise<DepositAllocation | null>;
  /** Every provider's open buckets of one deposit up to a day, read strongly consistent. */
  depositBuckets(municipalityCode: string, programCode: string, throughDay: IsoDate): Promise<Bucket[]>;
  depositBalance(municipalityCode: string, programCode: string): Promise<number>;
  /** Keeps the allocation unless one was kept first; the one kept. */
  keepAllocation(allocation: DepositAllocation): Promise<DepositAllocation>;
}

/**
 * What one provider may draw from a deposit in a run: its share when the deposit is short, else
 * the balance. The first payout of the run that needs the deposit decides the allocation; later
 * ones (and repeated ones) read it.
 */
export class DepositShares {
  private readonly decided = new Map<string, Promise<DepositAllocation>>();

  constructor(private readonly port: AllocationPort, private readonly run: { runId: string; throughDay: IsoDate }) {}

  async limit(municipalityCode: string, programCode: string, providerId: string): Promise<number> {
    const allocation = await this.of(municipalityCode, programCode);
    const balance = Math.max(0, await this.port.depositBalance(municipalityCode, programCode));
    return allocation.short ? Math.min(balance, allocation.shares[providerId] ?? 0) : balance;
  }

  of(municipalityCode: string, programCode: string): Promise<DepositAllocation> {
    const key = `${municipalityCode}#${programCode}`;
    let decided = this.decided.get(key);
    if (!decided) {
      decided = this.decide(municipalityCode, programCode);
      decided.catch(() => this.decided.delete(key));
      this.decided.set(key, decided);
    }
    return decided;
  }

  private async decide(municipalityCode: string, programCode: string): Promise<DepositAllocation> {
    const kept = await this.port.allocation(this.run.runId, municipalityCode, programCode);
    if (kept) return kept;
    const [balance, buckets] = await Promise.all([this.port.depositBalance(municipalityCode, programCode), this.port.depositBuckets(municipalityCode, programCode, this.run.throughDay)]);
    return this.port.keepAllocation(allocateDeposit(this.run, municipalityCode, programCode, balance, buckets));
  }
}
