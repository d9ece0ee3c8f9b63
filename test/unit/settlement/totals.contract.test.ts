/** PO-08 totals' contract on the in-memory fake. */
import { totalsContract } from '../../contracts/totals';
import { InMemorySettlement } from '../../fakes/settlement-store';
import { InMemoryTotals } from '../../fakes/totals-store';

totalsContract('in memory', async () => {
  const settlement = new InMemorySettlement();
  return { totals: new InMemoryTotals(settlement), deposits: settlement };
});
