/** The registry stores' contract on the in-memory fake. */
import { registryStoreContract } from '../../contracts/registry-store';
import { InMemoryRegistry } from '../../fakes/registry-store';

registryStoreContract('in memory', async () => {
  const registry = new InMemoryRegistry();
  return { registry, people: registry };
});
