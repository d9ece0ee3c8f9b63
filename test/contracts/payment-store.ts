/**
 * The payment store's contract: what intake relies on the store to guarantee. One suite, run
 * against the in-memory fake (test/unit) and the DynamoDB adapter on DynamoDB Local
 * (test/integration), so the fake the simulation runs on honours the same conditions.
 */
import { type HistoryItem, isClaimEntry } from '../../domain/payments/history';
import { expect, it } from 'vitest';
import { contractSuite } from './suite';
import { decidePayment } from '../../domain/payments/decide';
import { approvalNumber, type ApprovalReceipt, type PaymentRequest } from '../../domain/payments/payment';
import type { PaymentHistoryPort } from '../../domain/payments/history';
import type { ApprovalWrite, PaymentPort } from '../../domain/payments/ports';
import { monthOf } from '../../domain/shared/calendar';
import { importDocument } from '../support/fixtures';
import { koreanHolidays } from '../../functions/shared/holidays';

export type RegistryDocument = ReturnType<typeof importDocument>;

export interface PaymentStoreUnderTest {
  store: PaymentPort & PaymentHistoryPort;
}

const kst = (s: string) => new Date(`${s}+09:00`);
const terminal = { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED' as const, status: 'ACTIVE' as const, workerIds: [] };
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
let serial = 0;

/**
 * `make` seeds the registry of `importDocument(6)` (one provider, worker 20000001, cards
 * 9410…0001–6 each with a 110101 grade-1 contract) and the March vouchers (4 sessions of 36,000).
 */
export function paymentStoreContract(name: string, make: (doc: RegistryDocument) => Promise<PaymentStoreUnderTest>) {
  contractSuite(`payment store contract: ${name}`, async () => (await make(importDocument(6))).store, (store) => {

    const request = (over: Partial<PaymentRequest>): PaymentRequest => ({
      transactionId: `T-${++serial}`, businessNumber: '', terminalPhone: '01012345678', serviceCode: '110101', workerPaymentId: '20000001', cardNumber: card(1), amount: 36_000,
      kind: 'NORMAL', serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', reason: null, ...over,
    });

    /** The write intake would make for a request, decided on what the store answers now. */
    async function writeFor(over: Partial<PaymentRequest>, now = kst('2026-03-10T14:05:00')): Promise<ApprovalWrite> {
      const businessNumber = (await store.providerBusinessNumber('P0001'))!;
      const req = request({ businessNumber, ...over });
      const [{ serviceType, program }, worker, c] = await Promise.all([store.serviceType(req.serviceCode), store.workerByPaymentId(req.workerPaymentId), store.card(req.cardNumber)]);
      const { contracts, voucher } = await store.holder(c!.recipientId, monthOf(req.serviceDate), req.serviceCode);
      const decision = decidePayment(req, { now, terminal, providerBusinessNumber: businessNumber, serviceType, program, worker, card: c, contracts, voucher, holidays: koreanHolidays }, terminal.serial);
      if (!decision.ok) throw new Error(decision.refusal.code);
      const number = approvalNumber(decision.plan.payment.approvalDate, String(++serial).padStart(8, '0'));
      const receipt: ApprovalReceipt = { approvalNumber: number, status: 'APPROVED', amount: decision.plan.payment.amount, approvedAt: decision.plan.payment.approvedAt, voucher: { month: monthOf(req.serviceDate), remainingAmount: decision.plan.voucher.remainingAmount, remainingSessions: decision.plan.voucher.remainingSessions } };
      return { plan: decision.plan, approvalNumber: number, receipt, requestHash: `hash-${req.transactionId}`, nowEpochSeconds: Math.floor(now.getTime() / 1000) };
    }

    it('reads the registry intake checks: business number, worker by payment ID, card, service type, the holder\'s contracts and voucher', async () => {
      expect(await store.providerBusinessNumber('P0001')).toMatch(/^\d{10}$/);
      expect(await store.providerBusinessNumber('P9999')).toBeNull();
      expect(await store.workerByPaymentId('20000001')).toMatchObject({ workerId: 'W0001', providerId: 'P0001', workerPaymentId: '20000001' });
      expect(await store.workerByPaymentId('29999999')).toBeNull();
      expect(await store.card(card(1))).toMatchObject({ cardNumber: card(1), recipientId: 'R0001', status: 'ACTIVE' });
      expect(await store.card(card(99))).toBeNull();
      expect(await store.serviceType('110101')).toMatchObject({ serviceType: { programCode: 'COMMUNITY' }, program: { kind: 'SESSION', requiresTerminalMatch: false } });
      expect((await store.serviceType('999999')).serviceType).toBeUndefined();
      const { contracts, voucher } = await store.holder('R0001', '2026-03', '110101');
      expect(contracts.map((c) => c.contractId)).toEqual(['C0001']);
      expect(voucher).toMatchObject({ remainingAmount: 144_000, remainingSessions: 4, perSessionAmount: 36_000, version: 0, paidDays: [] });
    });

    it('PAY-08/09 an approval is written once; its transaction id then answers with the stored receipt and request hash', async () => {
      const write = await writeFor({ cardNumber: card(2) });
      expect(await store.approve(write)).toEqual({ kind: 'written' });
      expect(await store.payment('P0001', write.approvalNumber)).toMatchObject({ approvalNumber: write.approvalNumber, status: 'APPROVED', amount: 36_000 });
      expect(await store.voucher('R0002', '2026-03', '110101')).toMatchObject({ remainingAmount: 108_000, remainingSessions: 3, version: 1, paidDays: ['2026-03-10'] });
      expect(await store.transactionRecord(terminal.serial, write.plan.payment.transactionId)).toEqual({ requestHash: write.requestHash, receipt: write.receipt });
      const again = { ...write, approvalNumber: approvalNumber('2026-03-10', String(++serial).padStart(8, '0')) };
      expect(await store.approve(again)).toEqual({ kind: 'duplicate', record: { requestHash: write.requestHash, receipt: write.receipt } });
      expect(await store.payment('P0001', again.approvalNumber)).toBeNull();
    });

    it('PAY-08 a write decided on a voucher that moved since is refused and changes nothing', async () => {
      const first = await writeFor({ cardNumber: card(3) });
      const stale = await writeFor({ cardNumber: card(3), transactionId: `T-${++serial}` });
      expect(await store.approve(first)).toEqual({ kind: 'written' });
      expect(await store.approve(stale)).toEqual({ kind: 'stale-voucher' });
      expect(await store.voucher('R0003', '2026-03', '110101')).toMatchObject({ remainingSessions: 3, version: 1 });
      expect(await store.transactionRecord(terminal.serial, stale.plan.payment.transactionId)).toBeNull();
    });

    it('an approval number is taken once: another payment with it is contention, written nowhere', async () => {
      const mine = await writeFor({ cardNumber: card(4) });
      expect(await store.approve(mine)).toEqual({ kind: 'written' });
      const theirs = { ...(await writeFor({ cardNumber: card(5) })), approvalNumber: mine.approvalNumber };
      expect(await store.approve(theirs)).toEqual({ kind: 'contention' });
      expect(await store.voucher('R0005', '2026-03', '110101')).toMatchObject({ remainingSessions: 4, version: 0 });
    });

    it('PAY-08 an approval number is unique system-wide: another provider\'s payment with it is contention, written nowhere', async () => {
      // Card 2's normal payment of the 10th is taken above (and those of the 11th and 12th below): this one is of the 13th.
      const mine = await writeFor({ cardNumber: card(2), serviceDate: '2026-03-13', serviceStartAt: '2026-03-13T10:00:00+09:00' }, kst('2026-03-13T10:05:00'));
      expect(await store.approve(mine)).toEqual({ kind: 'written' });
      const before = await store.voucher('R0005', '2026-03', '110101');
      const other = await writeFor({ cardNumber: card(5) });
      const theirs = { ...other, approvalNumber: mine.approvalNumber, plan: { ...other.plan, payment: { ...other.plan.payment, providerId: 'P0009' } } };
      expect(await store.approve(theirs)).toEqual({ kind: 'contention' });
      expect(await store.voucher('R0005', '2026-03', '110101')).toEqual(before);
      expect(await store.payment('P0009', mine.approvalNumber)).toBeNull();
    });

    it('PAY-07 one makeup per card × service × day, whichever month\'s voucher it uses', async () => {
      const now = kst('2026-03-10T15:00:00');
      const first = await writeFor({ cardNumber: card(6), kind: 'MAKEUP', reason: 'RESCHEDULED', serviceDate: '2026-03-02', serviceStartAt: null }, now);
      const second = await writeFor({ cardNumber: card(6), kind: 'MAKEUP', reason: 'RESCHEDULED', serviceDate: '2026-03-03', serviceStartAt: null }, now);
      expect(await store.approve(first)).toEqual({ kind: 'written' });
      expect(await store.approve({ ...second, plan: { ...second.plan, voucher: { ...second.plan.voucher, expectedVersion: 1 } } })).toEqual({ kind: 'makeup-taken' });
    });

    it('PAY-10 a cancel needs the payment approved today and the voucher as read; it restores the voucher once', async () => {
      const write = await writeFor({ cardNumber: card(1) });
      expect(await store.approve(write)).toEqual({ kind: 'written' });
      const payment = (await store.payment('P0001', write.approvalNumber))!;
      const voucher = (await store.voucher('R0001', '2026-03', '110101'))!;
      const cancel = {
        payment, voucherVersion: voucher.version, restored: { remainingAmount: voucher.remainingAmount + payment.amount, remainingSessions: voucher.remainingSessions + 1 }, serial: terminal.serial, transactionId: `C-${++serial}`, requestHash: 'c', cancelledAt: '2026-03-10T16:00:00+09:00', today: '2026-03-10', nowEpochSeconds: 1_773_126_000,
        receipt: { approvalNumber: payment.approvalNumber, status: 'CANCELLED' as const, voucher: { month: '2026-03', remainingAmount: voucher.remainingAmount + payment.amount, remainingSessions: voucher.remainingSessions + 1 } },
      };
      expect(await store.cancel({ ...cancel, today: '2026-03-11' })).toBe('not-cancellable');
      expect(await store.cancel({ ...cancel, voucherVersion: voucher.version - 1 })).toBe('stale-voucher');
      expect(await store.cancel(cancel)).toBe('cancelled');
      expect(await store.cancel(cancel)).toBe('duplicate');
      expect(await store.cancel({ ...cancel, transactionId: `C-${++serial}`, voucherVersion: voucher.version + 1 })).toBe('not-cancellable');
      expect(await store.payment('P0001', payment.approvalNumber)).toMatchObject({ status: 'CANCELLED', cancelledAt: '2026-03-10T16:00:00+09:00' });
      expect(await store.voucher('R0001', '2026-03', '110101')).toMatchObject({ remainingAmount: 144_000, remainingSessions: 4, version: voucher.version + 1, paidDays: [] });
    });

    it('PAY-13 a provider month\'s payments come by approval day and number, page by page', async () => {
      const written: string[] = [];
      for (const [day, i] of [['2026-03-11', 2], ['2026-03-12', 3], ['2026-03-12', 4]] as const) {
        const write = await writeFor({ cardNumber: card(i), serviceDate: day, serviceStartAt: `${day}T09:00:00+09:00` }, kst(`${day}T09:05:00`));
        expect(await store.approve(write)).toEqual({ kind: 'written' });
        written.push(write.approvalNumber);
      }
      const range = { from: '2026-03-11', to: '2026-03-12' };
      const first = await store.providerPayments('P0001', '2026-03', range, { limit: 2 });
      const rest = await store.providerPayments('P0001', '2026-03', range, { limit: 10, nextToken: first.nextToken! });
      const numbers = (items: HistoryItem[]) => items.map((p) => (isClaimEntry(p) ? p.claimId : p.approvalNumber));
      expect(numbers([...first.items, ...rest.items])).toEqual(written);
      expect(numbers((await store.providerPayments('P0001', '2026-03', { from: '2026-03-12', to: '2026-03-12' }, { limit: 10 })).items)).toEqual(written.slice(1));
      expect((await store.providerPayments('P0001', '2026-04', { from: '2026-04-01', to: '2026-04-30' }, { limit: 10 })).items).toEqual([]);
    });
  });
}
