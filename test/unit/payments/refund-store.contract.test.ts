/** The refund store's contract on the in-memory fake. */
import { refundStoreContract } from '../../contracts/refund-store';
import { InMemoryRefundStore } from '../../fakes/refund-store';

refundStoreContract('in memory', async () => {
  const store = new InMemoryRefundStore();
  const key = (p: { recipientId: string; voucherMonth: string; serviceCode: string }) => `${p.recipientId}/${p.voucherMonth}/${p.serviceCode}`;
  return {
    store,
    seed: async (p, options) => {
      store.payments.set(p.approvalNumber, structuredClone(p));
      if (options?.voucher !== false) store.vouchers.set(key(p), { remainingAmount: 100_000, remainingSessions: 2, version: 3 } as never);
    },
    voucher: async (p) => {
      const v = store.vouchers.get(key(p));
      return v ? { remainingAmount: v.remainingAmount, remainingSessions: v.remainingSessions } : null;
    },
  };
});
