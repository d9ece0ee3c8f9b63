/**
 * A payout port for one provider's payouts, from plain functions: unit tests of `payProvider`
 * give the buckets, balance and commit they need; the run's deposit allocations (PO-03) are kept
 * here. No other provider draws on the deposit, so its allocation is "covered" by default and the
 * provider draws on the balance itself (which is what its own share of a short one would be).
 */
import type { DepositAllocation } from '../../domain/settlement/allocation';
import type { PayoutPort } from '../../domain/settlement/ports';

export function stubPayoutPort(over: Partial<PayoutPort> = {}): PayoutPort & { commits: unknown[] } {
  const commits: unknown[] = [];
  const allocations = new Map<string, DepositAllocation>();
  const id = (runId: string, m: string, g: string) => `${runId}|${m}|${g}`;
  const port: PayoutPort & { commits: unknown[] } = {
    commits,
    existing: async () => null,
    openBuckets: async () => [],
    depositBalance: async () => 1_000_000,
    commit: async (payout) => (commits.push(payout), 'committed'),
    allocation: async (runId, m, g) => allocations.get(id(runId, m, g)) ?? null,
    depositBuckets: async () => [],
    keepAllocation: async (a) => {
      const key = id(a.runId, a.municipalityCode, a.programCode);
      if (!allocations.has(key)) allocations.set(key, a);
      return allocations.get(key)!;
    },
    ...over,
  };
  return port;
}
