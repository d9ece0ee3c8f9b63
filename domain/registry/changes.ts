/**
 * Registry self-service (api.md "Registry API", REG-01…08): what the use cases read, and the one
 * way they change the registry — a `RegistryChange`, written all or nothing. Each record written
 * is conditioned on the version it was read at (or on not existing yet), each unique value on
 * being free or already its owner's, and the change carries its audit entries (REG-08) and, for
 * a creating call, the answer a retry replays. The use cases decide; the store only makes the
 * change conditional.
 */
import type { Page } from '../shared/ports';
import { type Refusal, refusalOf, type Refused } from '../shared/result';
import type { Actor, AuditedEntity, AuditEntry } from './audit';
import type { Card, Provider, Terminal } from './entities';

export interface Versioned<T> {
  value: T;
  /** 0 for a record written before versions were kept (by the import). */
  version: number;
}

/** A terminal as the registry keeps it, without its secret (sealed by the store, never read back here). */
export type TerminalRecord = Omit<Terminal, 'secret'> & {
  /** REG-03: after a transfer the receiver re-keys the terminal before it can pay. */
  rekeyRequired: boolean;
  pendingTransferId: string | null;
};

/** REG-03 명의변경: nothing changes until the agency approves. */
export interface TerminalTransfer {
  transferId: string;
  serial: string;
  fromProviderId: string;
  toProviderId: string;
  toBusinessNumber: string;
  state: 'REQUESTED' | 'APPROVED' | 'REJECTED';
  requestedAt: string;
  requestedBy: string;
  decidedAt?: string;
  decidedBy?: string;
  reason?: string;
}

export type CardRecord = Card & { replacedBy?: string; lostAt?: string };

/** What a provider record carries beyond REG-01's core (api.md PATCH fields). */
export type ProviderRecord = Provider & {
  profitType?: string;
  fax?: string;
  homepage?: string;
  email?: string;
};

export type RegistryWrite =
  /** `secret`: a new secret to seal; `null` clears it (the old one stops working); absent keeps it. */
  | { kind: 'terminal'; value: TerminalRecord; expected: number | null; secret?: string | null }
  | { kind: 'terminalTransfer'; value: TerminalTransfer; expected: number | null }
  | { kind: 'card'; value: CardRecord; expected: number | null }
  | { kind: 'provider'; value: ProviderRecord; expected: number | null };

/** A value unique system-wide: a smartphone number belongs to one provider (REG-03). */
export interface UniqueClaim {
  kind: 'smartphone';
  value: string;
  owner: string;
}

/** The first answer of a creating call, replayed to a retry with the same body (api.md). */
export interface RememberedAnswer {
  scope: string;
  key: string;
  requestHash: string;
  status: number;
  body: unknown;
}

export interface RegistryChange {
  writes: RegistryWrite[];
  claims?: UniqueClaim[];
  /** Unique values given back (a cancelled smartphone's number); only the owner's entry is removed. */
  releases?: UniqueClaim[];
  audit: AuditEntry[];
  remember?: RememberedAnswer;
}

export type CommitOutcome =
  | { ok: true }
  /** A record changed since it was read, or exists when it should not: read again and decide again. */
  | { ok: false; reason: 'conflict' }
  | { ok: false; reason: 'taken'; claim: UniqueClaim }
  /** Another request with the same idempotency key committed first. */
  | { ok: false; reason: 'remembered' };

export interface RecipientRef {
  recipientId: string;
  municipalityCode: string;
  status: string;
}

export interface RegistryChangePort {
  terminal(serial: string): Promise<Versioned<TerminalRecord> | null>;
  terminalTransfer(transferId: string): Promise<Versioned<TerminalTransfer> | null>;
  card(cardNumber: string): Promise<Versioned<CardRecord> | null>;
  provider(providerId: string): Promise<Versioned<ProviderRecord> | null>;
  providerIdByBusinessNumber(businessNumber: string): Promise<string | null>;
  worker(workerId: string): Promise<{ workerId: string; providerId: string } | null>;
  recipient(recipientId: string): Promise<RecipientRef | null>;
  programExists(programCode: string): Promise<boolean>;
  remembered(scope: string, key: string): Promise<RememberedAnswer | null>;
  commit(change: RegistryChange): Promise<CommitOutcome>;

  providerTerminals(providerId: string, limit: number, nextToken?: string): Promise<Page<TerminalRecord>>;
  terminalTransfers(state: TerminalTransfer['state'], limit: number, nextToken?: string): Promise<Page<TerminalTransfer>>;
  auditOf(entity: AuditedEntity, id: string, limit: number, nextToken?: string): Promise<Page<AuditEntry>>;
}

export interface RegistryDeps {
  port: RegistryChangePort;
  now: () => Date;
  /** A terminal signing secret (shown once). */
  newSecret: () => string;
  newId: (prefix: string) => string;
  /** A stable digest of a request body, for idempotent replays. */
  hash: (body: unknown) => string;
}

/** Who acts, as the registry sees them: tenancy is decided here, from the principal's scope. */
export interface RegistryActor extends Actor {
  role: 'provider' | 'municipality' | 'agency' | 'ops';
  providerId?: string | undefined;
  municipalityCode?: string | undefined;
}

export type RegistryRefusal =
  | Refused<'NOT_FOUND', 'REG-01' | 'REG-03' | 'REG-05'>
  | Refused<'IDEMPOTENCY_CONFLICT' | 'CONCURRENT_CHANGE', 'REG-08'>
  | Refused<'FIELD_NOT_EDITABLE' | 'NOT_REGISTERING_MUNICIPALITY' | 'UNKNOWN_PROGRAM', 'REG-01'>
  | Refused<
      | 'TERMINAL_OF_ANOTHER_PROVIDER'
      | 'PHONE_REGISTERED_ELSEWHERE'
      | 'TERMINAL_ALREADY_REGISTERED'
      | 'TERMINAL_CANCELLED'
      | 'WORKER_REQUIRED'
      | 'UNKNOWN_WORKER'
      | 'SMARTPHONE_ONE_WORKER'
      | 'TRANSFER_DEDICATED_ONLY'
      | 'UNKNOWN_PROVIDER'
      | 'TRANSFER_TO_ITSELF'
      | 'TRANSFER_PENDING'
      | 'INVALID_STATE',
      'REG-03'
    >
  | Refused<'UNKNOWN_RECIPIENT' | 'CARD_NUMBER_TAKEN' | 'CARD_REPLACED', 'REG-05'>;

export const refuse = refusalOf<RegistryRefusal>();

export type Changed<A> = { ok: true; status: 200 | 201 | 202; body: A } | Refusal<RegistryRefusal>;

const ATTEMPTS = 4;

/**
 * Runs a decision against fresh reads until its change commits: a record that moved meanwhile
 * (another request, the import) makes it read and decide again. `decide` answers either a change
 * with the answer it stands for, or an answer needing no change (a retry of a done move).
 */
export async function changeWith<A>(
  deps: RegistryDeps,
  decide: () => Promise<{ change?: RegistryChange; answer: Changed<A> }>,
): Promise<Changed<A>> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { change, answer } = await decide();
    if (!change || !answer.ok) return answer;
    const outcome = await deps.port.commit(change);
    if (outcome.ok) return answer;
    if (outcome.reason === 'taken') return refuse('PHONE_REGISTERED_ELSEWHERE', 'REG-03', 'the smartphone number is registered at another provider');
    if (outcome.reason === 'remembered' && change.remember) {
      const replay = await replayOf<A>(deps, change.remember.scope, change.remember.key, change.remember.requestHash);
      if (replay) return replay;
    }
  }
  return refuse('CONCURRENT_CHANGE', 'REG-08', 'the record kept changing while this request was decided; try again');
}

/** A creating call's retry: the first answer for the same body, a conflict for another. */
export async function replayOf<A>(deps: RegistryDeps, scope: string, key: string, requestHash: string): Promise<Changed<A> | null> {
  const prior = await deps.port.remembered(scope, key);
  if (!prior) return null;
  if (prior.requestHash !== requestHash) return refuse('IDEMPOTENCY_CONFLICT', 'REG-08', `${key} was already used with another body`);
  return { ok: true, status: prior.status as 200 | 201 | 202, body: prior.body as A };
}


const idOfWrite = (w: RegistryWrite): string => {
  switch (w.kind) {
    case 'terminal':
      return w.value.serial;
    case 'terminalTransfer':
      return w.value.transferId;
    case 'card':
      return w.value.cardNumber;
    case 'provider':
      return w.value.providerId;
  }
};

/**
 * The version a change gives the record an audit entry is about (0 where it writes none): a
 * record's entries of the same second keep the order of its changes (REG-08).
 */
export function versionWritten(change: RegistryChange, entry: AuditEntry): number {
  const write = change.writes.find((w) => w.kind === entry.entity && idOfWrite(w) === entry.id);
  return write ? (write.expected ?? 0) + 1 : 0;
}
