/**
 * Voucher payments (바우처 결제, domain.md §4.2–4.5, §4.7): the request a terminal sends, the
 * registry records it is checked against, the voucher balance it draws from, and the approved
 * payment (승인).
 */
import type { Card, Terminal, Worker } from '../registry/entities';
import { addMonths, type IsoDate, lastDayOf, type YearMonth } from '../shared/calendar';

export type PaymentKind = 'NORMAL' | 'RETRO' | 'MAKEUP';

/** §4.5: where the payment came from. */
export type PaymentChannel = 'TERMINAL' | 'SMARTPHONE' | 'EXCEPTION_CLAIM';

export const RETRO_REASONS = ['TERMINAL_LOST', 'TERMINAL_BROKEN', 'CARD_LOST', 'CARD_DAMAGED', 'TERMINAL_NOT_DELIVERED', 'NO_CARD_FIRST_MONTH', 'SERVER_UNREACHABLE'] as const;

export const MAKEUP_REASONS = ['RESCHEDULED'] as const;

export type PaymentReason = (typeof RETRO_REASONS)[number] | (typeof MAKEUP_REASONS)[number];

/** PAY-05: a normal payment may be taken from this many minutes before the scheduled start. */
export const NORMAL_EARLY_MINUTES = 30;

/** PAY-06: retroactive payments per card per day. */
export const MAX_RETRO_PER_CARD_PER_DAY = 20;

export interface PaymentRequest {
  transactionId: string;
  businessNumber: string;
  terminalPhone: string;
  serviceCode: string;
  workerPaymentId: string;
  cardNumber: string;
  /** Won; `null` for a retroactive `TIME` payment, whose amount follows from its times (TIME-04). */
  amount: number | null;
  kind: PaymentKind;
  serviceDate: IsoDate;
  serviceStartAt?: string | null;
  /** TIME-04: the end of a retroactive time payment's service. */
  serviceEndAt?: string | null;
  reason?: PaymentReason | null;
}

/** The registry's terminal as a payment sees it (REG-03), without its model and sealed secret. */
export type PayingTerminal = Omit<Terminal, 'model' | 'secret'>;

/** The registry's worker as a payment sees it (REG-02): one with a worker payment ID. */
export type PayingWorker = Pick<Worker, 'workerId' | 'providerId' | 'contracts'> & { workerPaymentId: string };

/** The registry's card (REG-05). */
export type PayingCard = Card;

/** A voucher as payments see it: what is left, and the days already used (PAY-05/07). */
export interface VoucherBalance {
  recipientId: string;
  serviceCode: string;
  programCode: string;
  month: YearMonth;
  grantedAmount: number;
  grantedSessions: number;
  perSessionAmount: number;
  remainingAmount: number;
  remainingSessions: number;
  /** A `TIME` voucher's minutes (§4.6): granted `H` and what is left. */
  grantedMinutes?: number;
  remainingMinutes?: number;
  municipalityCode: string;
  /** Optimistic concurrency: every payment or restoration moves it by one. */
  version: number;
  paidDays: IsoDate[];
}

export type PaymentStatus = 'APPROVED' | 'CANCELLED' | 'REFUNDED';

/** An approved payment (승인). */
export interface Payment {
  approvalNumber: string;
  transactionId: string;
  terminalSerial: string;
  channel: PaymentChannel;
  providerId: string;
  programCode: string;
  serviceCode: string;
  workerId: string;
  workerPaymentId: string;
  recipientId: string;
  cardNumber: string;
  municipalityCode: string;
  amount: number;
  kind: PaymentKind;
  reason: PaymentReason | null;
  serviceDate: IsoDate;
  serviceStartAt: string | null;
  /** §4.6: a time payment's service end, its billed minutes, the won its voucher could not cover, and its session. */
  serviceEndAt?: string;
  minutes?: number;
  uncoveredAmount?: number;
  sessionId?: string;
  voucherMonth: YearMonth;
  approvedAt: string;
  approvalDate: IsoDate;
  status: PaymentStatus;
  cancelledAt?: string;
  refundId?: string;
  refundedAt?: string;
  /** PAY-11: the day whose payout cycle recovers a refunded payment. */
  recoveredOn?: IsoDate;
  /** §5: open holds on the payment, and holds that denied it (HOLD-02); kept by screening. */
  holdsOpen?: number;
  holdsDenied?: number;
}

/** VCH-04: a voucher of month M takes retroactive and makeup payments until the end of M+1. */
export function lastRetroDay(serviceMonth: YearMonth): IsoDate {
  return lastDayOf(addMonths(serviceMonth, 1));
}

/** 승인번호: the approval date (YYMMDD) and eight digits, unique system-wide (the store checks). */
export function approvalNumber(approvalDate: IsoDate, eightDigits: string): string {
  if (!/^\d{8}$/.test(eightDigits)) throw new Error('approval numbers end in eight digits');
  return `${approvalDate.slice(2, 4)}${approvalDate.slice(5, 7)}${approvalDate.slice(8, 10)}${eightDigits}`;
}

/** What a receipt shows of the voucher: sessions for a `SESSION` program, minutes for a `TIME` one (§4.6). */
export interface ReceiptVoucher {
  month: YearMonth;
  remainingAmount: number;
  remainingSessions?: number;
  remainingMinutes?: number;
}

/** A voucher's remainder as a receipt shows it. */
export function receiptVoucher(month: YearMonth, left: { remainingAmount: number; remainingSessions: number; remainingMinutes?: number | undefined }): ReceiptVoucher {
  return left.remainingMinutes !== undefined
    ? { month, remainingAmount: left.remainingAmount, remainingMinutes: left.remainingMinutes }
    : { month, remainingAmount: left.remainingAmount, remainingSessions: left.remainingSessions };
}

/** What the terminal shows after an approval (api.md `201`); a retry gets exactly this again (PAY-09). */
export interface ApprovalReceipt {
  approvalNumber: string;
  status: 'APPROVED';
  amount: number;
  approvedAt: string;
  voucher: ReceiptVoucher;
  /** §4.6: a time payment's billed minutes and the won its voucher did not cover. */
  minutes?: number;
  uncoveredAmount?: number;
}

/** What the terminal shows after a same-day cancel (api.md `200`). */
export interface CancelReceipt {
  approvalNumber: string;
  status: 'CANCELLED';
  voucher: ReceiptVoucher;
}

/** PAY-12: what a card has left on a service this month. */
export interface BalanceReceipt {
  /** Masked (`9410********9012`). */
  cardNumber: string;
  serviceCode: string;
  month: YearMonth;
  remainingAmount: number;
  remainingSessions?: number;
  /** §4.6 TIME-05. */
  remainingMinutes?: number;
}

/** What a write did to a payment, as the outbox publishes it. */
export type PaymentChange = 'PAYMENT_APPROVED' | 'PAYMENT_CANCELLED' | 'PAYMENT_REFUNDED';

/**
 * The change a stored write stands for: a payment that appeared approved was approved; one whose
 * status became cancelled or refunded was cancelled or refunded; anything else (hold counts,
 * refund requests) is no change the other contexts hear of.
 */
export function paymentChange(before: Pick<Payment, 'status'> | null, now: Pick<Payment, 'status'>, inserted: boolean): PaymentChange | null {
  if (inserted) return now.status === 'APPROVED' ? 'PAYMENT_APPROVED' : null;
  if (!before || before.status === now.status) return null;
  return now.status === 'CANCELLED' ? 'PAYMENT_CANCELLED' : now.status === 'REFUNDED' ? 'PAYMENT_REFUNDED' : null;
}

/** When the change happened: the cancel or refund instant, else the approval (a cancel without its instant is a broken record: undefined, which the event refuses). */
export function changedAt(p: Pick<Payment, 'approvedAt' | 'cancelledAt' | 'refundedAt'>, change: PaymentChange): string | undefined {
  if (change === 'PAYMENT_CANCELLED') return p.cancelledAt;
  if (change === 'PAYMENT_REFUNDED') return p.refundedAt ?? p.approvedAt;
  return p.approvedAt;
}
