/**
 * Business refusals are values, never exceptions (TigerBeetle's `CreateTransferResult` style):
 * each use case declares the exhaustive union of what it may refuse, with the stable code and the
 * rule of domain.md on each. Only handlers know HTTP: they map every code to a status.
 */
export interface Refused<Code extends string = string, Rule extends string = string> {
  readonly code: Code;
  readonly rule: Rule;
  /** For people: what was refused and why. */
  readonly message: string;
}

/** A refusal that may succeed if the caller simply tries again shortly. */
export interface RetryableRefusal<Code extends string = string, Rule extends string = string> extends Refused<Code, Rule> {
  readonly retryable: true;
}

export type Refusal<U extends Refused> = { ok: false; refusal: U };

/** The members of a refusal union that may carry `code`. */
export type WithCode<U, C extends string> = U extends { code: infer K } ? (C extends K ? U : never) : never;

/**
 * The refusal maker of one union: `refusalOf<PaymentRefusal>()('NO_VOUCHER', 'PAY-03', …)` only
 * compiles when the code and the rule go together in that union.
 */
export function refusalOf<U extends Refused>() {
  return <C extends U['code']>(code: C, rule: WithCode<U, C>['rule'], message: string): Refusal<WithCode<U, C>> =>
    ({ ok: false, refusal: { code, rule, message } as unknown as WithCode<U, C> });
}

/** One rejected part of a request: where, which code, why, and the rule it broke. */
export interface Issue {
  path: string;
  code: string;
  message: string;
  rule?: string;
}
