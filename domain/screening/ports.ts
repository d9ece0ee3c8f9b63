/** What screening and the hold workflow need from storage: the screening index, people's evidence and holds. */
import type { IsoDate } from '../shared/calendar';
import type { Page, PageRequest } from '../shared/ports';
import type { Hold, HoldDecision, HoldDocument, HoldHistoryEntry, HoldState } from './holds';
import { type Evidence, type PersonEvidence, type PersonKind, type ScreenedPayment, successionWindow } from './rules';

export interface PersonRef {
  personKind: PersonKind;
  personId: string;
}

export type RaiseOutcome = 'raised' | 'exists' | 'not-holdable';

/** The screening index: each payment under its worker and recipient, by approval and service start. */
export interface ScreeningIndexPort {
  /** Puts the payment in the screening index (order-independent with `withdraw`); its status after. */
  index(payment: ScreenedPayment, screenedAt: Date): Promise<ScreenedPayment['status']>;
  /**
   * Payments of the same worker or recipient approved, or starting service, inside the window.
   * With `nearest`, at most that many on each side of the payment in each of those ranges, the
   * closest in time first (a busy worker's day cannot make screening one payment unbounded);
   * without, all of them (a withdrawal must find every hold that may cite it).
   */
  neighbours(payment: ScreenedPayment, window: ReturnType<typeof successionWindow>, nearest?: number): Promise<ScreenedPayment[]>;
  /** Marks the payment cancelled or refunded in the index. */
  withdraw(payment: ScreenedPayment): Promise<void>;
  /**
   * A person's indexed payments approved on or after `since` that SCR-03/04 could match: a
   * retroactive or makeup payment only if its service is on or after `since` as well.
   */
  paymentsOf(person: PersonRef, since: IsoDate): Promise<ScreenedPayment[]>;
  /** The payment's own record, read now: is it still approved? */
  stillApproved(payment: ScreenedPayment): Promise<boolean>;
}

/** People's evidence (SCR-03/04): deaths and border movements, keyed by person. */
export interface EvidencePort {
  /** Both people in one consistent read: evidence recorded before it is always seen (SCR-05). */
  people(refs: readonly PersonRef[]): Promise<PersonEvidence[]>;
  /** Records a death (a later record for the same person replaces it: corrections win). */
  recordDeath(ref: PersonRef, deathDate: IsoDate, at: string): Promise<void>;
  /** Adds a movement; the same record twice is one movement. */
  recordMovement(ref: PersonRef, date: IsoDate, direction: 'DEPARTURE' | 'ENTRY', at: string): Promise<void>;
  /** The recipients and workers a keyed RRN hash names (a person may be both). */
  peopleByRrnHash(rrnHash: string): Promise<PersonRef[]>;
}

/** What screening does to holds. */
export interface ScreeningHoldPort {
  /**
   * Creates the hold with its payment still approved and not paid out, in one transaction. With
   * `finishing`, that write also tells settlement screening has finished with the payment (PO-02,
   * as `finished`): when the answer is `raised`, it has (now, or by an earlier delivery).
   */
  raise(hold: Hold, finishing?: ScreenedPayment): Promise<RaiseOutcome>;
  /**
   * Adds evidence to an existing hold, up to `cap` entries (the same fact once): `added` (or was
   * there), `full` (the hold has `cap` already) or `absent` (no such hold).
   */
  addEvidence(holdId: string, evidence: Evidence, cap: number): Promise<'added' | 'full' | 'absent'>;
  /** The evidence keys of those of these holds that exist, read now (one read for many partners). */
  evidenceKeys(holdIds: readonly string[]): Promise<Map<string, string[]>>;
  holdsOfPayment(approvalNumber: string): Promise<Hold[]>;
  /** Voids an open hold and closes it on its payment; false if it was final or moved meanwhile. */
  voidHold(hold: Hold, reason: NonNullable<Hold['voidReason']>, at: string): Promise<boolean>;
  /** Removes one piece of evidence; the hold after, or null if there is none. */
  dropEvidence(holdId: string, key: string): Promise<Hold | null>;
}

/** What screening tells settlement. */
export interface ScreeningOutcomePort {
  /**
   * PO-02: screening has finished with the payment (held or not, or it was withdrawn first), so a
   * payout run may pay what no hold keeps; the second call for a payment changes nothing.
   */
  finished(payment: ScreenedPayment): Promise<void>;
}

/** Everything the screening flow uses. */
export type ScreeningPort = ScreeningIndexPort & Pick<EvidencePort, 'people'> & ScreeningHoldPort & ScreeningOutcomePort;

/** One hold's move as the store writes it: conditioned on `hold.state`, with its history entry. */
export interface HoldMove {
  hold: Hold;
  to: HoldState;
  actor: 'provider' | 'agency';
  entry: HoldHistoryEntry;
  decision?: HoldDecision;
  decisionReason?: string;
  submittedDocumentKeys?: string[];
}

export interface HoldFilter {
  state?: string | undefined;
  ruleId?: string | undefined;
  municipalityCode?: string | undefined;
}

/** What the hold workflow needs from the hold store; each write is all or nothing. */
export interface HoldPort {
  hold(holdId: string): Promise<Hold | null>;
  holds(holdIds: readonly string[]): Promise<Hold[]>;
  /** All the moves or none; 'conflict' if any hold is no longer in the state it was checked in. */
  move(moves: HoldMove[]): Promise<'moved' | 'conflict'>;
  /** Records an issued upload while the provider may still submit evidence and fewer than `max` are issued. */
  addDocument(hold: Hold, document: HoldDocument, max: number): Promise<boolean>;
  /** All the holds or none, each with its payment still approved and its day not paid out. */
  raiseAll(holds: Hold[]): Promise<RaiseOutcome[]>;
  /** A provider's holds with payment dates in [from, to], newest first. */
  providerHolds(providerId: string, range: { from: IsoDate; to: IsoDate }, filter: HoldFilter, page: PageRequest): Promise<Page<Hold>>;
  /** All holds of one payment date. */
  dayHolds(paymentDate: IsoDate, filter: HoldFilter, page: PageRequest): Promise<Page<Hold>>;
}

/** Evidence files: where an upload goes, and what arrived there. */
export interface EvidenceFiles {
  newKey(holdId: string, fileName: string): string;
  /** The file as stored now, or null if it has not been uploaded. */
  stored(documentKey: string): Promise<{ contentType: string; size: number } | null>;
  /** Where and how the client uploads this file (a pre-signed request). */
  uploadFor(documentKey: string, contentType: string, size: number): Promise<unknown>;
}
