/**
 * The refund store's contract (PAY-11): one open refund per approved, never-held payment; a
 * refund is decided once; approval moves refund, payment and (when restored) voucher together.
 * One suite, run against the in-memory fake (test/unit) and the DynamoDB adapter (test/integration).
 */
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import type { Payment } from '../../domain/payments/payment';
import type { Refund, RefundPort } from '../../domain/payments/refunds';

export interface RefundStoreUnderTest {
  store: RefundPort;
  /** Stores an approved payment and, unless told, its voucher with 100,000 won and 2 sessions left. */
  seed(p: Payment, options?: { voucher?: boolean }): Promise<void>;
  voucher(p: Payment): Promise<{ remainingAmount: number; remainingSessions: number } | null>;
}

let n = 0;
const at = '2026-03-20T10:00:00+09:00';

export function refundStoreContract(name: string, make: () => Promise<RefundStoreUnderTest>) {
  contractSuite(`refund store contract: ${name}`, make, (t) => {

    async function paid(over: Partial<Payment> = {}, options?: { voucher?: boolean }): Promise<Payment> {
      const id = String(++n).padStart(6, '0');
      const p = {
        approvalNumber: `20260310${id}`, providerId: 'PR1', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: `RR${id}`, workerId: 'W1', workerPaymentId: '20000001', municipalityCode: '11110',
        cardNumber: '9410000000000001', terminalSerial: 'VT11-000001', transactionId: `T${id}`, channel: 'TERMINAL', kind: 'NORMAL', reason: null, amount: 36_000, serviceDate: '2026-03-10',
        serviceStartAt: null, approvedAt: '2026-03-10T12:00:00+09:00', approvalDate: '2026-03-10', voucherMonth: '2026-03', status: 'APPROVED', ...over,
      } as unknown as Payment;
      await t.seed(p, options);
      return p;
    }
    const refundOf = (p: Payment, refundId = `RF${++n}`): Refund => ({
      refundId, approvalNumber: p.approvalNumber, providerId: p.providerId, programCode: p.programCode, recipientId: p.recipientId, municipalityCode: p.municipalityCode,
      amount: p.amount, reason: 'OVERCHARGE', state: 'REQUESTED', requestedAt: at, requestedBy: 'provider-user',
    });
    const decided = (restored: boolean) => ({ decidedAt: at, decidedBy: 'agency-user', restored, recoveredOn: '2026-03-20' });

    it('PAY-11: a payment holds one open refund at a time', async () => {
      const p = await paid();
      const first = refundOf(p);
      expect(await t.store.request(first)).toBe('requested');
      expect(await t.store.request(refundOf(p))).toBe('already-open');
      expect(await t.store.refund(first.refundId)).toMatchObject({ state: 'REQUESTED', amount: 36_000 });
    });

    it('PAY-11 (seed 5): the same request written again — its first answer lost, the write resent — finds its own refund, not another open one', async () => {
      const p = await paid();
      const refund = refundOf(p);
      expect(await t.store.request(refund)).toBe('requested');
      expect(await t.store.request(refund)).toBe('requested');
      expect(await t.store.request(refundOf(p))).toBe('already-open');
      expect((await t.store.refund(refund.refundId))?.state).toBe('REQUESTED');
    });

    it('PAY-11: a held or cancelled payment takes no refund', async () => {
      expect(await t.store.request(refundOf(await paid({ holdsOpen: 1 } as Partial<Payment>)))).not.toBe('requested');
      expect(await t.store.request(refundOf(await paid({ status: 'CANCELLED' })))).not.toBe('requested');
    });

    it('PAY-11: approval refunds the payment and gives the voucher its amount and session back, once', async () => {
      const p = await paid();
      const r = refundOf(p);
      await t.store.request(r);
      expect(await t.store.approve(r, p, decided(true))).toBe(true);
      expect(await t.store.approve(r, p, decided(true))).toBe(false);
      expect(await t.store.payment(p.providerId, p.approvalNumber)).toMatchObject({ status: 'REFUNDED', refundId: r.refundId, recoveredOn: '2026-03-20' });
      expect(await t.voucher(p)).toEqual({ remainingAmount: 136_000, remainingSessions: 3 });
      expect(await t.store.refund(r.refundId)).toMatchObject({ state: 'APPROVED', restored: true });
    });

    it('PAY-11: a restored approval without the voucher changes nothing; unrestored it needs none', async () => {
      const p = await paid({}, { voucher: false });
      const r = refundOf(p);
      await t.store.request(r);
      expect(await t.store.approve(r, p, decided(true))).toBe(false);
      expect(await t.store.payment(p.providerId, p.approvalNumber)).toMatchObject({ status: 'APPROVED' });
      expect(await t.store.approve(r, p, decided(false))).toBe(true);
      expect(await t.store.payment(p.providerId, p.approvalNumber)).toMatchObject({ status: 'REFUNDED' });
    });

    it('PAY-11: a rejection frees the payment for a new request; a decided refund is not decided again', async () => {
      const p = await paid();
      const r = refundOf(p);
      await t.store.request(r);
      expect(await t.store.reject(r, { decidedAt: at, decidedBy: 'agency-user', decisionReason: 'not an error' })).toBe(true);
      expect(await t.store.reject(r, { decidedAt: at, decidedBy: 'agency-user', decisionReason: 'again' })).toBe(false);
      expect(await t.store.approve(r, p, decided(false))).toBe(false);
      expect(await t.store.request(refundOf(p))).toBe('requested');
      expect(await t.voucher(p)).toEqual({ remainingAmount: 100_000, remainingSessions: 2 });
    });
  });
}
