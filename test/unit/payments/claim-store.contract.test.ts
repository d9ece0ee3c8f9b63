/** The exception-claim store's contract on the in-memory fake. */
import { claimStoreContract } from '../../contracts/claim-store';
import { InMemoryClaims } from '../../fakes/claim-store';
import { InMemoryRegistry } from '../../fakes/registry-store';
import { InMemorySettlement } from '../../fakes/settlement-store';

claimStoreContract('in memory', async () => {
  const registry = new InMemoryRegistry();
  const settlement = new InMemorySettlement();
  const paid = new Map<string, string[]>();
  const paidDays = (r: string, s: string, m: string) => (paid.get(`${r}|${s}|${m}`) ?? []);
  const claims = new InMemoryClaims(registry, settlement, paidDays);
  return {
    registry, claims, bucket: (ref) => settlement.bucket(ref), history: claims,
    seedPaidDay: async (r, s, date) => void paid.set(`${r}|${s}|${date.slice(0, 7)}`, [...paidDays(r, s, date.slice(0, 7)), date]),
  };
});
