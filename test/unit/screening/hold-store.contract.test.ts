/** The hold store's contract on the in-memory fake the simulation runs on. */
import { holdStoreContract } from '../../contracts/hold-store';
import { inMemoryScreening } from '../../fakes/screening-store';

holdStoreContract('in memory', async () => {
  const fake = inMemoryScreening();
  return { store: { ...fake.holdPort, ...fake.port }, payment: async (p) => void (p.status === 'APPROVED' ? fake.approve(p) : fake.cancel(p)) };
});
