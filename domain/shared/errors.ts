/**
 * Business refusals are values with a stable code, a message for people and the rule
 * (`domain.md` ID) that refused. Handlers map them to the HTTP error envelope of `api.md`.
 */

/**
 * Business refusals are values with a stable code, a message for people and the rule
 * (`domain.md` ID) that refused. Handlers map them to the HTTP error envelope of `api.md`.
 */
export type ErrorKind =
  | 'VALIDATION' // 400
  | 'UNAUTHENTICATED' // 401
  | 'FORBIDDEN' // 403
  | 'NOT_FOUND' // 404
  | 'CONFLICT' // 409
  | 'RULE' // 422
  | 'THROTTLED'; // 429

export class DomainError extends Error {
  override readonly name = 'DomainError';
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

export const ruleViolation = (code: string, rule: string, message: string, details: Record<string, unknown> = {}) =>
  new DomainError('RULE', code, message, { rule, ...details });

/** How a handler classes a refusal: 404 not the caller's, 409 a state conflict, 422 a business refusal. */
export type RefusalStatus = 404 | 409 | 422;

/** A rule's refusal as an error of the status its handler gives its code. */
export function refusalError(r: { code: string; rule: string; message: string }, status: RefusalStatus, details: Record<string, unknown> = {}): DomainError {
  const kind = status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'RULE';
  return new DomainError(kind, r.code, r.message, { rule: r.rule, ...details });
}

export const notFound = (what: string, details: Record<string, unknown> = {}) =>
  new DomainError('NOT_FOUND', 'NOT_FOUND', `${what} not found`, details);

export const forbidden = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError('FORBIDDEN', 'FORBIDDEN', message, details);

/** One rejected part of a request: where, which code, why, and the rule it broke. */
export interface Issue {
  path: string;
  code: string;
  message: string;
  rule?: string;
}
