/** The hold store's contract on the in-memory fake the simulation runs on. */
import { holdStoreContract } from '../../contracts/hold-store';
import type { ScreenedPayment } from '../../../domain/screening/rules';
import { inMemoryScreening } from '../../fakes/screening-store';

holdStoreContract('in memory', async () => {
  const fake = inMemoryScreening();
  const refOf = (p: ScreenedPayment) => ({ providerId: p.providerId, programCode: p.programCode, municipalityCode: p.municipalityCode!, day: p.approvedAt.slice(0, 10) });
  return {
    store: { ...fake.holdPort, ...fake.port },
    payment: async (p) => void (p.status === 'APPROVED' ? fake.approve(p) : fake.cancel(p)),
    counts: async (p) => fake.counts(p.approvalNumber),
    bucket: async (p) => {
      const b = await fake.ledger.bucket(refOf(p));
      return b ? { held: b.held, released: b.released, denied: b.denied, unscreened: b.unscreened } : null;
    },
    settlement: { ledger: fake.ledger, deposits: fake.ledger, engine: fake.ledger.engine },
  };
});
