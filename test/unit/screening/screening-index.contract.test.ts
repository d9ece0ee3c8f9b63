/** The screening index's contract on the in-memory fake. */
import { screeningIndexContract } from '../../contracts/screening-index';
import { inMemoryScreening } from '../../fakes/screening-store';

screeningIndexContract('in memory', async () => {
  const fake = inMemoryScreening();
  return { index: fake.port, payment: async (p) => void (p.status === 'APPROVED' ? fake.approve(p) : fake.cancel(p)) };
});
