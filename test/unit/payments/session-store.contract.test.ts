/** The session store's contract, on the in-memory fakes the unit tests and the simulation use. */
import { sessionStoreContract } from '../../contracts/session-store';
import { InMemoryPaymentStore } from '../../fakes/payment-store';
import { seedPaymentStore } from '../../fakes/seed';
import { InMemorySessionStore } from '../../fakes/session-store';
import { activityDocument } from '../../support/fixtures';

sessionStoreContract('in memory', async () => {
  const store = new InMemoryPaymentStore();
  seedPaymentStore(store, activityDocument(6));
  return { store, sessions: new InMemorySessionStore(store) };
});
