import type { Issue } from '../../domain/shared/result';

/**
 * The errors a handler answers with: the kind decides the HTTP status, the code and details go in
 * api.md's error envelope. The domain never throws these: its refusals are values
 * (domain/shared/result.ts) that handlers turn into an ApiError of the status their table gives.
 */
export type ErrorKind =
  | 'VALIDATION' // 400
  | 'UNAUTHENTICATED' // 401
  | 'FORBIDDEN' // 403
  | 'NOT_FOUND' // 404
  | 'CONFLICT' // 409
  | 'RULE' // 422
  | 'THROTTLED'; // 429

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get rule(): string | undefined {
    return typeof this.details.rule === 'string' ? this.details.rule : undefined;
  }
}

/** How a handler classes a refusal: 404 not the caller's, 409 a state conflict, 422 a business refusal. */
export type RefusalStatus = 403 | 404 | 409 | 422;

/** A rule's refusal as an error of the status its handler gives its code. */
export function refusalError(r: { code: string; rule: string; message: string }, status: RefusalStatus, details: Record<string, unknown> = {}): ApiError {
  const kind = status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'RULE';
  return new ApiError(kind, r.code, r.message, { rule: r.rule, ...details });
}

export const notFound = (what: string, details: Record<string, unknown> = {}) =>
  new ApiError('NOT_FOUND', 'NOT_FOUND', `${what} not found`, details);

export const forbidden = (message: string, details: Record<string, unknown> = {}) =>
  new ApiError('FORBIDDEN', 'FORBIDDEN', message, details);

/** Rejected parts of a request (the domain's `Issue`s) as api.md's 400: each in `details.fields`, with the rule when one is named. */
export function invalidRequest(issues: readonly Issue[], message = issues[0]?.message ?? 'the request is not valid', rule?: string): ApiError {
  return new ApiError('VALIDATION', 'VALIDATION_FAILED', message, { fields: issues.map((i) => ({ path: i.path, message: i.message })), ...(rule ? { rule } : {}) });
}
