/** The registry change store's contract on the in-memory fake. */
import { registryChangesContract } from '../../contracts/registry-changes';
import { InMemoryRegistryChanges } from '../../fakes/registry-changes';

registryChangesContract('in memory', async () => {
  const store = new InMemoryRegistryChanges();
  return {
    store,
    seed: async (write, secret) => {
      store.seed(write);
      if (secret && write.kind === 'terminal') store.secrets.set((write.value as { serial: string }).serial, secret);
    },
    secretOf: async (serial) => store.secrets.get(serial) ?? null,
    payingWorker: async (paymentId) => {
      const workerId = store.paymentIds.get(paymentId);
      const worker = workerId ? await store.workerRecord(workerId) : null;
      return worker ? { workerId: worker.value.workerId, contracts: worker.value.contracts } : null;
    },
  };
});
