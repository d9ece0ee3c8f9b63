/**
 * The payment store in memory, honouring the adapter's conditions: a transaction id is answered
 * once (PAY-09), the voucher moves only from the version read (PAY-08), an approval number is
 * taken once, the PAY-06 count stops at its cap, the PAY-07 makeup lock is one per card × service
 * × day, and a cancel needs the payment still approved today (PAY-10). Each write is all or nothing.
 */
import { MAX_RETRO_PER_CARD_PER_DAY, type PayingCard, type PayingWorker, type Payment, type VoucherBalance } from '../../domain/payments/payment';
import type { HistoryPayment, PaymentHistoryPort } from '../../domain/payments/history';
import type { ApprovalWrite, ApproveOutcome, CancelOutcome, CancelWrite, PaymentPort, TransactionRecord } from '../../domain/payments/ports';
import type { Contract, ProgramTerms, ServiceType } from '../../domain/registry/entities';
import type { IsoDate, YearMonth } from '../../domain/shared/calendar';
import type { PageRequest } from '../../domain/shared/ports';
import { pageOfList } from './paging';

const voucherKey = (recipientId: string, month: YearMonth, serviceCode: string) => `${recipientId}/${month}/${serviceCode}`;
const copy = <T>(value: T): T => structuredClone(value);

export class InMemoryPaymentStore implements PaymentPort, PaymentHistoryPort {
  readonly businessNumbers = new Map<string, string>();
  readonly workers = new Map<string, PayingWorker>();
  readonly cards = new Map<string, PayingCard>();
  readonly serviceTypes = new Map<string, { serviceType: ServiceType; program: ProgramTerms }>();
  readonly contracts: Contract[] = [];
  readonly vouchers = new Map<string, VoucherBalance>();
  readonly transactions = new Map<string, TransactionRecord>();
  readonly payments = new Map<string, Payment>();
  readonly retroCounts = new Map<string, number>();
  readonly makeupLocks = new Map<string, string>();

  async providerBusinessNumber(providerId: string) {
    return this.businessNumbers.get(providerId) ?? null;
  }
  async workerByPaymentId(paymentId: string) {
    return copy([...this.workers.values()].find((w) => w.workerPaymentId === paymentId) ?? null);
  }
  async card(cardNumber: string) {
    return copy(this.cards.get(cardNumber) ?? null);
  }
  async serviceType(serviceCode: string) {
    const found = this.serviceTypes.get(serviceCode);
    return { serviceType: found?.serviceType, program: found?.program };
  }
  async voucher(recipientId: string, month: YearMonth, serviceCode: string) {
    return copy(this.vouchers.get(voucherKey(recipientId, month, serviceCode)) ?? null);
  }
  async holder(recipientId: string, month: YearMonth, serviceCode: string) {
    return { contracts: copy(this.contracts.filter((c) => c.recipientId === recipientId)), voucher: await this.voucher(recipientId, month, serviceCode) };
  }
  async transactionRecord(serial: string, transactionId: string) {
    return copy(this.transactions.get(`${serial}/${transactionId}`) ?? null);
  }
  async payment(providerId: string, approvalNumber: string) {
    const p = this.payments.get(approvalNumber);
    return copy(p && p.providerId === providerId ? p : null);
  }

  async approve({ plan, approvalNumber, receipt, requestHash }: ApprovalWrite): Promise<ApproveOutcome> {
    const p = plan.payment;
    const txn = `${p.terminalSerial}/${p.transactionId}`;
    const key = voucherKey(p.recipientId, p.voucherMonth, p.serviceCode);
    const voucher = this.vouchers.get(key);
    const retro = `${p.cardNumber}/${plan.retroDay}`;
    const makeup = `${p.cardNumber}/${p.serviceCode}/${plan.makeupDay}`;
    // The conditions, in the adapter's order; none of the writes happens unless all hold.
    if (this.transactions.has(txn)) return { kind: 'duplicate', record: copy(this.transactions.get(txn)!) };
    if (!voucher || voucher.version !== plan.voucher.expectedVersion) return { kind: 'stale-voucher' };
    if (this.payments.has(approvalNumber)) return { kind: 'contention' };
    if (plan.makeupDay && this.makeupLocks.has(makeup)) return { kind: 'makeup-taken' };
    if (plan.retroDay && (this.retroCounts.get(retro) ?? 0) >= MAX_RETRO_PER_CARD_PER_DAY) return { kind: 'retro-limit' };
    this.transactions.set(txn, { requestHash, receipt: copy(receipt) });
    this.vouchers.set(key, {
      ...voucher,
      remainingAmount: plan.voucher.remainingAmount,
      remainingSessions: plan.voucher.remainingSessions,
      ...(plan.voucher.remainingMinutes !== undefined ? { remainingMinutes: plan.voucher.remainingMinutes } : {}),
      version: voucher.version + 1,
      paidDays: plan.dayLock ? [...new Set([...voucher.paidDays, plan.dayLock.day])] : voucher.paidDays,
    });
    this.payments.set(approvalNumber, { ...copy(p), approvalNumber });
    if (plan.makeupDay) this.makeupLocks.set(makeup, approvalNumber);
    if (plan.retroDay) this.retroCounts.set(retro, (this.retroCounts.get(retro) ?? 0) + 1);
    return { kind: 'written' };
  }

  async cancel(write: CancelWrite): Promise<CancelOutcome> {
    const { payment, receipt } = write;
    const txn = `${write.serial}/${write.transactionId}`;
    const stored = this.payments.get(payment.approvalNumber);
    const key = voucherKey(payment.recipientId, payment.voucherMonth, payment.serviceCode);
    const voucher = this.vouchers.get(key);
    if (this.transactions.has(txn)) return 'duplicate';
    if (!stored || stored.status !== 'APPROVED' || stored.approvalDate !== write.today) return 'not-cancellable';
    if (!voucher || voucher.version !== write.voucherVersion) return 'stale-voucher';
    this.transactions.set(txn, { requestHash: write.requestHash, receipt: copy(receipt) });
    this.payments.set(payment.approvalNumber, { ...stored, status: 'CANCELLED', cancelledAt: write.cancelledAt });
    this.vouchers.set(key, {
      ...voucher,
      ...write.restored,
      version: voucher.version + 1,
      // PAY-05/06: the service date is free again for a normal or retroactive session payment.
      paidDays: payment.minutes === undefined && (payment.kind === 'NORMAL' || payment.kind === 'RETRO') ? voucher.paidDays.filter((d) => d !== payment.serviceDate) : voucher.paidDays,
    });
    if (payment.kind === 'MAKEUP') this.makeupLocks.delete(`${payment.cardNumber}/${payment.serviceCode}/${payment.approvalDate}`);
    if (payment.kind === 'RETRO') this.retroCounts.set(`${payment.cardNumber}/${payment.approvalDate}`, (this.retroCounts.get(`${payment.cardNumber}/${payment.approvalDate}`) ?? 1) - 1);
    return 'cancelled';
  }

  /** PAY-13: a provider month's payments approved in the range, by approval number (approval day first). */
  async providerPayments(providerId: string, month: YearMonth, range: { from: IsoDate; to: IsoDate }, page: PageRequest) {
    const list = [...this.payments.values()]
      .filter((p) => p.providerId === providerId && p.approvalDate.slice(0, 7) === month && p.approvalDate >= range.from && p.approvalDate <= range.to)
      .sort((a, b) => a.approvalNumber.localeCompare(b.approvalNumber)) as HistoryPayment[];
    return pageOfList(list, page);
  }
}
