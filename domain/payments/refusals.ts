/**
 * What each terminal use case may refuse (api.md's error codes), with the rule on each. The
 * handler maps every code to its HTTP status; a new code does not compile until it is mapped.
 */
import type { Refused, RetryableRefusal } from '../shared/result';

/** PAY-09: the same transaction id, another request. */
export type IdempotencyConflict = Refused<'IDEMPOTENCY_CONFLICT', 'PAY-09'>;
/** PAY-09: another request on the same card or transaction id kept winning; retry shortly. */
export type RequestInProgress = RetryableRefusal<'REQUEST_IN_PROGRESS', 'PAY-09'>;

type TerminalRefusal = Refused<'TERMINAL_MISMATCH' | 'TERMINAL_INACTIVE', 'PAY-01'>;

/** What `decidePayment` refuses (PAY-01 … PAY-07, VCH-04, §4.6). */
export type PaymentDecisionRefusal =
  | TerminalRefusal
  | Refused<'WORKER_NOT_ELIGIBLE', 'PAY-02'>
  | Refused<'CARD_INACTIVE' | 'NO_CONTRACT' | 'NO_VOUCHER', 'PAY-03'>
  | Refused<'NO_SESSIONS_LEFT' | 'AMOUNT_EXCEEDS_SESSION' | 'INSUFFICIENT_BALANCE', 'PAY-04'>
  | Refused<'OUTSIDE_PAYMENT_WINDOW' | 'DAILY_LIMIT_REACHED', 'PAY-05'>
  | Refused<'REASON_REQUIRED' | 'RETRO_PERIOD_EXPIRED' | 'DAILY_LIMIT_REACHED', 'PAY-06' | 'PAY-07'>
  | Refused<'OUTSIDE_PAYMENT_WINDOW', 'PAY-06'>
  | Refused<'USE_SESSION_TAGS', '§4.6'>
  | Refused<'AMOUNT_REQUIRED', 'PAY-04'>
  | Refused<'USE_SERVICE_TIMES', 'TIME-04'>
  | Refused<'BELOW_ONE_UNIT', 'TIME-02'>
  | Refused<'INSUFFICIENT_BALANCE', 'PAY-04'>;

/** `POST /v1/terminal/payments` (and each item of a batch). */
export type PaymentRefusal = PaymentDecisionRefusal | IdempotencyConflict | RequestInProgress;

/** What `decideCancel` refuses (PAY-10). */
export type CancelDecisionRefusal = Refused<'NOT_FOUND' | 'ALREADY_CANCELLED' | 'USE_REFUND_REQUEST', 'PAY-10'>;

/** `POST /v1/terminal/payments/{approvalNumber}/cancel`. */
export type CancelRefusal = TerminalRefusal | CancelDecisionRefusal | IdempotencyConflict | RequestInProgress;

/** `GET /v1/terminal/cards/{cardNumber}/balance` (PAY-12). */
export type BalanceRefusal = Refused<'CARD_INACTIVE' | 'NO_CONTRACT' | 'NO_VOUCHER', 'PAY-03'> | Refused<'TERMINAL_INACTIVE', 'PAY-01'>;

export type TerminalRefusalCode = PaymentRefusal['code'] | CancelRefusal['code'] | BalanceRefusal['code'] | import('./sessions').SessionRefusal['code'];
