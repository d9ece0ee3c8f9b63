/** api.md's status of every refusal of the hold workflow (§5, HOLD-01..03). */
import type { HoldWorkflowRefusal } from '../../domain/screening/review';
import type { RefusalStatus } from '../shared/errors';

export const HOLD_STATUS: Record<HoldWorkflowRefusal['code'], RefusalStatus> = {
  NOT_FOUND: 404,
  FORBIDDEN_TRANSITION: 409,
  ILLEGAL_TRANSITION: 409,
  CONCURRENT_CHANGE: 409,
  DOCUMENTS_CLOSED: 409,
  ALREADY_HELD: 409,
  NOT_HOLDABLE: 409,
  HOLDS_NOT_RELATED: 422,
  DOCUMENT_TYPE_NOT_ALLOWED: 422,
  DOCUMENT_TOO_LARGE: 422,
  DOCUMENT_EMPTY: 422,
  DOCUMENT_MISMATCH: 422,
  DOCUMENT_UNKNOWN: 422,
  DOCUMENT_NOT_UPLOADED: 422,
};
