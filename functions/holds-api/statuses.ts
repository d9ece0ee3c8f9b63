/** api.md's status of every refusal of the hold workflow (§5, HOLD-01). */
import type { HoldRefusal } from '../../domain/screening/holds';
import type { RefusalStatus } from '../shared/errors';

export const HOLD_STATUS: Record<HoldRefusal['code'], RefusalStatus> = {
  FORBIDDEN_TRANSITION: 409,
  ILLEGAL_TRANSITION: 409,
  HOLDS_NOT_RELATED: 422,
  DOCUMENT_TYPE_NOT_ALLOWED: 422,
  DOCUMENT_TOO_LARGE: 422,
  DOCUMENT_EMPTY: 422,
  DOCUMENT_MISMATCH: 422,
};
