/** What the terminal's use cases need from storage. */
import type { Contract, ProgramKind, ServiceType } from '../registry/entities';
import type { YearMonth } from '../shared/calendar';
import type { ApprovalPlan } from './decide';
import type { PayingCard, PayingWorker, Payment, VoucherBalance } from './payment';

export interface TransactionRecord {
  requestHash: string;
  status: number;
  response: unknown;
}

export type ApproveOutcome =
  | { kind: 'written'; approvalNumber: string }
  | { kind: 'duplicate'; record: TransactionRecord | null }
  | { kind: 'stale-voucher' }
  | { kind: 'retro-limit' }
  | { kind: 'makeup-taken' }
  | { kind: 'contention' };

export interface CancelWrite {
  payment: Payment;
  voucherVersion: number;
  remainingAmount: number;
  remainingSessions: number;
  serial: string;
  transactionId: string;
  requestHash: string;
  response: unknown;
  cancelledAt: string;
  today: string;
  nowEpochSeconds: number;
}

export type CancelOutcome = 'cancelled' | 'duplicate' | 'not-cancellable' | 'stale-voucher' | 'contention';

/** What intake needs from storage. */
export interface PaymentPort {
  providerBusinessNumber(providerId: string): Promise<string | null>;
  workerByPaymentId(paymentId: string): Promise<PayingWorker | null>;
  card(cardNumber: string): Promise<PayingCard | null>;
  serviceType(serviceCode: string): Promise<{ serviceType: ServiceType | undefined; program: { kind: ProgramKind; requiresTerminalMatch: boolean } | undefined }>;
  voucher(recipientId: string, month: YearMonth, serviceCode: string): Promise<VoucherBalance | null>;
  /** The card holder's contracts and the voucher, read together. */
  holder(recipientId: string, month: YearMonth, serviceCode: string): Promise<{ contracts: Contract[]; voucher: VoucherBalance | null }>;
  transactionRecord(serial: string, transactionId: string): Promise<TransactionRecord | null>;
  payment(providerId: string, approvalNumber: string): Promise<Payment | null>;
  approve(plan: ApprovalPlan, requestHash: string, respond: (approvalNumber: string) => unknown, nowEpochSeconds: number): Promise<ApproveOutcome>;
  cancel(write: CancelWrite): Promise<CancelOutcome>;
}
