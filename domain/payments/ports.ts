/** What the terminal's use cases need from storage and from the world. */
import type { Contract, ProgramTerms, ServiceType } from '../registry/entities';
import type { IsoDate, YearMonth } from '../shared/calendar';
import type { HolidayCalendar } from '../shared/business-days';
import type { Clock, Random, Sleep } from '../shared/ports';
import type { ApprovalPlan } from './decide';
import type { ApprovalReceipt, CancelReceipt, PayingCard, PayingWorker, Payment, VoucherBalance } from './payment';

/** PAY-09: what a terminal transaction id was answered with, and the hash of the request. */
export interface TransactionRecord {
  requestHash: string;
  receipt: ApprovalReceipt | CancelReceipt;
}

/** One approval, written all at once: the plan, its approval number and the receipt stored for replays. */
export interface ApprovalWrite {
  plan: ApprovalPlan;
  approvalNumber: string;
  receipt: ApprovalReceipt;
  requestHash: string;
  nowEpochSeconds: number;
}

/** Which of the approval transaction's conditions failed, if any. */
export type ApproveOutcome =
  | { kind: 'written' }
  /** The transaction id was answered already: the stored record, read from the failed condition. */
  | { kind: 'duplicate'; record: TransactionRecord | null }
  | { kind: 'stale-voucher' }
  | { kind: 'retro-limit' }
  | { kind: 'makeup-taken' }
  /** The approval number was taken, or a concurrent transaction won: decide again. */
  | { kind: 'contention' };

export interface CancelWrite {
  payment: Payment;
  voucherVersion: number;
  /** The voucher after the restoration (PAY-10): amount, sessions, and a time payment's minutes. */
  restored: { remainingAmount: number; remainingSessions: number; remainingMinutes?: number };
  receipt: CancelReceipt;
  serial: string;
  transactionId: string;
  requestHash: string;
  cancelledAt: string;
  today: IsoDate;
  nowEpochSeconds: number;
}

export type CancelOutcome = 'cancelled' | 'duplicate' | 'not-cancellable' | 'stale-voucher' | 'contention';

/**
 * How a read may be answered. `cache`: from what the container holds — registry facts at most
 * REG-08's bound old, a voucher as this container last wrote or read it (the approval's condition
 * on its version is what guards the money, PAY-08). `fresh`: from the table, strongly consistent —
 * what a refusal is named from, and what a balance inquiry shows (PAY-12).
 */
export type Reads = 'cache' | 'fresh';

/** What intake needs from storage. Registry reads default to the cache, the holder's to the table. */
export interface PaymentPort {
  providerBusinessNumber(providerId: string, reads?: Reads): Promise<string | null>;
  workerByPaymentId(paymentId: string, reads?: Reads): Promise<PayingWorker | null>;
  card(cardNumber: string, reads?: Reads): Promise<PayingCard | null>;
  serviceType(serviceCode: string, reads?: Reads): Promise<{ serviceType: ServiceType | undefined; program: ProgramTerms | undefined }>;
  voucher(recipientId: string, month: YearMonth, serviceCode: string): Promise<VoucherBalance | null>;
  /** The card holder's contracts and the voucher, read together (`fresh` unless told). */
  holder(recipientId: string, month: YearMonth, serviceCode: string, reads?: Reads): Promise<{ contracts: Contract[]; voucher: VoucherBalance | null }>;
  transactionRecord(serial: string, transactionId: string): Promise<TransactionRecord | null>;
  payment(providerId: string, approvalNumber: string): Promise<Payment | null>;
  approve(write: ApprovalWrite): Promise<ApproveOutcome>;
  cancel(write: CancelWrite): Promise<CancelOutcome>;
}

/** 승인번호 source: the eight digits after the date (the store's condition keeps them unique). */
export interface ApprovalNumbers {
  /** `drawFor` names the draw (terminal, transaction, attempt): a seeded local stack draws from it alone. */
  next(approvalDate: IsoDate, drawFor: string): string;
}

/** Everything the terminal's use cases depend on. */
export interface TerminalDeps {
  store: PaymentPort;
  clock: Clock;
  sleep: Sleep;
  random: Random;
  approvalNumbers: ApprovalNumbers;
  /** TIME-02: the night-and-holiday surcharge needs the holidays. */
  holidays: HolidayCalendar;
}
