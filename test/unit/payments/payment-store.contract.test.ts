/** The payment store's contract, on the in-memory fake the unit tests and the simulation use. */
import { paymentStoreContract } from '../../contracts/payment-store';
import { InMemoryPaymentStore } from '../../fakes/payment-store';
import { seedPaymentStore } from '../../fakes/seed';

paymentStoreContract('in memory', async (doc) => {
  const store = new InMemoryPaymentStore();
  seedPaymentStore(store, doc);
  return { store };
});
