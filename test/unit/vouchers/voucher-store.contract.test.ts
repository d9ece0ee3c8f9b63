/** Voucher generation's store contract on the in-memory fake. */
import { voucherStoreContract } from '../../contracts/voucher-store';
import { InMemoryRegistry } from '../../fakes/registry-store';
import { InMemoryVouchers } from '../../fakes/voucher-store';

voucherStoreContract('in memory', async () => {
  const registry = new InMemoryRegistry();
  const shardOf = (id: string) => Number(id.slice(-1)) % 2;
  const vouchers = new InMemoryVouchers(registry, shardOf);
  return { registry, vouchers, shardOf, granted: async (m, g, month) => vouchers.granted.get(`${m}|${g}`)?.get(month) ?? 0 };
});
