/** The settlement stores' contract on the in-memory fake. */
import { settlementStoreContract } from '../../contracts/settlement-store';
import { InMemorySettlement } from '../../fakes/settlement-store';

settlementStoreContract('in memory', async () => {
  const s = new InMemorySettlement();
  return {
    ledger: s,
    deposits: s,
    payouts: s,
    engine: s.engine,
    markSent: async (id) => s.markSent(id),
    grant: async (m, g, month, amount) => {
      const months = s.granted.get(`${m}|${g}`) ?? s.granted.set(`${m}|${g}`, new Map()).get(`${m}|${g}`)!;
      months.set(month, (months.get(month) ?? 0) + amount);
    },
    addPayee: async (payee) => {
      s.payeesByShard.set(7, [...(s.payeesByShard.get(7) ?? []), payee]);
      return 7;
    },
  };
});
