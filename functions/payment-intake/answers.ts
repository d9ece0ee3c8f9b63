/** How the terminal API answers (api.md): a receipt with its status, or the error envelope with the rule. */
import type { TerminalRefusalCode } from '../../domain/payments/refusals';
import type { Refused } from '../../domain/shared/result';

/** api.md's status of every refusal the terminal API can give. */
export const TERMINAL_STATUS: Record<TerminalRefusalCode, 404 | 409 | 422> = {
  TERMINAL_MISMATCH: 422,
  TERMINAL_INACTIVE: 422,
  WORKER_NOT_ELIGIBLE: 422,
  CARD_INACTIVE: 422,
  NO_CONTRACT: 422,
  NO_VOUCHER: 422,
  NO_SESSIONS_LEFT: 422,
  AMOUNT_EXCEEDS_SESSION: 422,
  INSUFFICIENT_BALANCE: 422,
  OUTSIDE_PAYMENT_WINDOW: 422,
  DAILY_LIMIT_REACHED: 422,
  REASON_REQUIRED: 422,
  RETRO_PERIOD_EXPIRED: 422,
  USE_SESSION_TAGS: 422,
  AMOUNT_REQUIRED: 422,
  USE_SERVICE_TIMES: 422,
  BELOW_ONE_UNIT: 422,
  USE_REFUND_REQUEST: 422,
  NOT_A_TIME_PROGRAM: 422,
  SESSION_ALREADY_OPEN: 409,
  SESSION_ALREADY_CLOSED: 409,
  SESSION_EXPIRED: 422,
  NOT_FOUND: 404,
  ALREADY_CANCELLED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  REQUEST_IN_PROGRESS: 409,
};

/** An HTTP answer of the terminal API: status, body and, for a retryable refusal, when to retry. */
export interface Answer {
  status: number;
  body: unknown;
  retryAfterSeconds?: number;
}

/** A use case's outcome as api.md answers it: the receipt, or the error envelope with the rule. */
export function answerOf(outcome: { ok: true; receipt: unknown } | { ok: false; refusal: Refused<TerminalRefusalCode> & { retryable?: true } }, okStatus: number): Answer {
  if (outcome.ok) return { status: okStatus, body: outcome.receipt };
  const { code, message, rule, retryable } = outcome.refusal;
  return {
    status: TERMINAL_STATUS[code],
    body: { error: { code, message, details: { rule, ...(retryable ? { retryable } : {}) } } },
    ...(retryable ? { retryAfterSeconds: 1 } : {}),
  };
}
