/** api.md's status of every refusal of a refund (PAY-11). */
import type { RefundRefusal } from '../../domain/payments/refunds';
import type { RefusalStatus } from '../shared/errors';

export const REFUND_STATUS: Record<RefundRefusal['code'], RefusalStatus> = {
  NOT_FOUND: 404,
  PAYMENT_CANCELLED: 409,
  ALREADY_REFUNDED: 409,
  USE_SAME_DAY_CANCEL: 422,
  PAYMENT_ON_HOLD: 409,
  REFUND_ALREADY_REQUESTED: 409,
  INVALID_STATE: 409,
};
