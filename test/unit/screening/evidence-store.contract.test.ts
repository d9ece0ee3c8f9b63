/** The evidence store's contract on the in-memory fake. */
import { evidenceStoreContract } from '../../contracts/evidence-store';
import { inMemoryScreening } from '../../fakes/screening-store';

evidenceStoreContract('in memory', async () => {
  const fake = inMemoryScreening();
  return { evidence: fake.evidencePort, person: async (hash, ref) => void fake.person(hash, ref) };
});
