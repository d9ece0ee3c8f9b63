/** What screening needs from storage: the screening index, people's evidence and holds. */
import type { IsoDate } from '../shared/calendar';
import type { Hold } from './holds';
import { type Evidence, type PersonEvidence, type PersonKind, type ScreenedPayment, successionWindow } from './rules';

export interface PersonRef {
  personKind: PersonKind;
  personId: string;
}

export type RaiseOutcome = 'raised' | 'exists' | 'not-holdable';

export interface ScreeningPort {
  /** Puts the payment in the screening index (order-independent with `withdraw`); its status after. */
  index(payment: ScreenedPayment, screenedAt: Date): Promise<ScreenedPayment['status']>;
  /** Payments of the same worker or recipient approved, or starting service, inside the window. */
  neighbours(payment: ScreenedPayment, window: ReturnType<typeof successionWindow>): Promise<ScreenedPayment[]>;
  people(refs: readonly PersonRef[]): Promise<PersonEvidence[]>;
  /** Creates the hold with its payment still approved and not paid out, in one transaction. */
  raise(hold: Hold): Promise<RaiseOutcome>;
  /** Adds evidence to an existing hold, up to `cap` entries. */
  addEvidence(holdId: string, evidence: Evidence, cap: number): Promise<void>;
  /** Marks the payment cancelled or refunded in the index. */
  withdraw(payment: ScreenedPayment): Promise<void>;
  holdsOfPayment(approvalNumber: string): Promise<Hold[]>;
  /** Voids an open hold and closes it on its payment; false if it was final or moved meanwhile. */
  voidHold(hold: Hold, reason: NonNullable<Hold['voidReason']>, at: string): Promise<boolean>;
  /** Removes one piece of evidence; the hold after, or null if there is none. */
  dropEvidence(holdId: string, key: string): Promise<Hold | null>;
  /** A person's indexed payments approved on or after `since`. */
  paymentsOf(person: PersonRef, since: IsoDate): Promise<ScreenedPayment[]>;
  /** The payment's own record, read now: is it still approved? */
  stillApproved(payment: ScreenedPayment): Promise<boolean>;
}
