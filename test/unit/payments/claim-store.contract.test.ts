/** The exception-claim store's contract on the in-memory fake. */
import { claimStoreContract } from '../../contracts/claim-store';
import { InMemoryClaims } from '../../fakes/claim-store';
import { InMemoryRegistry } from '../../fakes/registry-store';
import { InMemorySettlement } from '../../fakes/settlement-store';

claimStoreContract('in memory', async () => {
  const registry = new InMemoryRegistry();
  const settlement = new InMemorySettlement();
  return { registry, claims: new InMemoryClaims(registry, settlement), bucket: (ref) => settlement.bucket(ref) };
});
