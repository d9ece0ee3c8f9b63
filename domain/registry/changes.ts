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
import type { AccessLog } from './access-log';
import { type Actor, AUDITED_ID_FIELD, type AuditedEntity, type AuditEntry } from './audit';
import type { Card, Contract, Provider, ServiceType, Terminal, Worker, WorkerContract } from './entities';
import type { IsoDate } from '../shared/calendar';
import type { MidMonthVoucherPort } from '../vouchers/ports';

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

/** REG-04 자격: a recipient's grade for a service type over a period. */
export interface Eligibility {
  serviceCode: string;
  grade: string;
  from: IsoDate;
  to: IsoDate | null;
}

/** REG-04 서비스 중지: a recipient's service stopped for a period (VCH-02). */
export interface Suspension {
  serviceCode: string;
  from: IsoDate;
  to: IsoDate | null;
  reason: string;
}

/** A recipient as the registry keeps it: the RRN only masked (sealed by the store, REG-07). */
export interface RecipientRecord {
  recipientId: string;
  name: string;
  rrnMasked: string;
  birthDate: IsoDate;
  municipalityCode: string;
  status: 'ACTIVE' | 'INELIGIBLE';
  deathDate?: IsoDate;
  eligibility: Eligibility[];
  suspensions: Suspension[];
}

/** A worker as the registry keeps it (REG-02): the RRN only masked, the payment ID assigned. */
export type WorkerRecord = Omit<Worker, 'rrn' | 'workerPaymentId'> & { rrnMasked: string; workerPaymentId: string; contracts: WorkerContract[] };

/** A contract as the registry keeps it (REG-04): the recipient's municipality beside it, for its lists. */
export type ContractRecord = Contract & {
  municipalityCode: string;
  serviceAddress?: string;
  terminationReason?: string;
};

export type RegistryWrite =
  /** `secret`: a new secret to seal; `null` clears it (the old one stops working); absent keeps it. */
  | { kind: 'terminal'; value: TerminalRecord; expected: number | null; secret?: string | null }
  | { kind: 'terminalTransfer'; value: TerminalTransfer; expected: number | null }
  | { kind: 'card'; value: CardRecord; expected: number | null }
  | { kind: 'provider'; value: ProviderRecord; expected: number | null }
  /** `rrn`: the clear RRN to seal and hash, at creation only. */
  | { kind: 'recipient'; value: RecipientRecord; expected: number | null; rrn?: string }
  /** The store keeps the worker's payment ID item (PAY-02's snapshot) with it, the ID the worker's alone. */
  | { kind: 'worker'; value: WorkerRecord; expected: number | null; rrn?: string }
  | { kind: 'contract'; value: ContractRecord; expected: number | null };

/**
 * A value unique system-wide: a smartphone number belongs to one provider (REG-03), a contract id
 * to one recipient's contract (REG-04), a worker payment ID to one worker (REG-02; claimed by the
 * worker's own write).
 */
export interface UniqueClaim {
  kind: 'smartphone' | 'contractId' | 'workerPaymentId';
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

export interface ContractFilter {
  status?: Contract['status'] | undefined;
  serviceCode?: string | undefined;
  /** Contracts whose last day falls in `[from, to]`. */
  endingBetween?: { from: IsoDate; to: IsoDate } | undefined;
}

/**
 * A page of the provider's contracts keeps only those the filter names (the page may come back
 * short; its token still goes on).
 */
export function contractMatches(c: ContractRecord, filter: ContractFilter): boolean {
  if (filter.status && c.status !== filter.status) return false;
  if (filter.serviceCode && c.serviceCode !== filter.serviceCode) return false;
  if (filter.endingBetween && (c.to === null || c.to < filter.endingBetween.from || c.to > filter.endingBetween.to)) return false;
  return true;
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
  serviceType(serviceCode: string): Promise<ServiceType | undefined>;
  recipientRecord(recipientId: string): Promise<Versioned<RecipientRecord> | null>;
  /** REG-04: the recipients with this RRN (canonical digits), found by its keyed hash. */
  recipientsByRrn(rrn: string): Promise<Versioned<RecipientRecord>[]>;
  workerRecord(workerId: string): Promise<Versioned<WorkerRecord> | null>;
  /** REG-02: the next worker payment ID to try (never one handed out before). */
  nextWorkerPaymentId(): Promise<string>;
  contract(contractId: string): Promise<Versioned<ContractRecord> | null>;
  recipientContracts(recipientId: string): Promise<Versioned<ContractRecord>[]>;
  remembered(scope: string, key: string): Promise<RememberedAnswer | null>;
  commit(change: RegistryChange): Promise<CommitOutcome>;

  providerTerminals(providerId: string, limit: number, nextToken?: string): Promise<Page<TerminalRecord>>;
  terminalTransfers(state: TerminalTransfer['state'], limit: number, nextToken?: string): Promise<Page<TerminalTransfer>>;
  auditOf(entity: AuditedEntity, id: string, limit: number, nextToken?: string): Promise<Page<AuditEntry>>;
  providerWorkers(providerId: string, limit: number, nextToken?: string): Promise<Page<WorkerRecord>>;
  providerContracts(providerId: string, filter: ContractFilter, limit: number, nextToken?: string): Promise<Page<ContractRecord>>;
  municipalityContracts(municipalityCode: string, limit: number, nextToken?: string): Promise<Page<ContractRecord>>;
}

export interface RegistryDeps {
  port: RegistryChangePort;
  now: () => Date;
  /** A terminal signing secret (shown once). */
  newSecret: () => string;
  newId: (prefix: string) => string;
  /** A stable digest of a request body, for idempotent replays. */
  hash: (body: unknown) => string;
  /** VCH-05: a contract registered mid-month gets the month's voucher in the same request. */
  vouchers: MidMonthVoucherPort;
  /** REG-07: a list of people's records is recorded, record by record, before it is answered. */
  accessLog: AccessLog;
}

/** Who acts, as the registry sees them: tenancy is decided here, from the principal's scope. */
export interface RegistryActor extends Actor {
  role: 'provider' | 'municipality' | 'agency' | 'ops';
  providerId?: string | undefined;
  municipalityCode?: string | undefined;
}

export type RegistryRefusal =
  | Refused<'NOT_FOUND', 'REG-01' | 'REG-02' | 'REG-03' | 'REG-04' | 'REG-05'>
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
  | Refused<'UNKNOWN_RECIPIENT' | 'CARD_NUMBER_TAKEN' | 'CARD_REPLACED', 'REG-05'>
  | Refused<'WORKER_ID_TAKEN' | 'TERMINATION_BEFORE_START' | 'UNKNOWN_PROGRAM' | 'DUPLICATE_CONTRACT' | 'NOTHING_TO_TERMINATE', 'REG-02'>
  | Refused<
      | 'RECIPIENT_NOT_ELIGIBLE'
      | 'TOO_MANY_WORKERS'
      | 'WORKER_NOT_ELIGIBLE'
      | 'CONTRACT_ID_TAKEN'
      | 'TERMINATION_BEFORE_START'
      | 'CONTRACT_TERMINATED'
      | 'UNKNOWN_SERVICE'
      | 'GRADE_NOT_IN_CATALOG'
      | 'ELIGIBILITY_OVERLAPS'
      | 'NO_ELIGIBILITY'
      | 'INVALID_PERIOD'
      | 'BIRTH_DATE_MISMATCH'
      | 'NOT_OWN_MUNICIPALITY',
      'REG-04'
    >
  | Refused<'INVALID_RRN', 'REG-07'>
  | Refused<'LIST_NOT_OPEN_YET', 'VCH-03'>;

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
    if (outcome.reason === 'taken') {
      // An allocated payment ID someone holds already (the import may name one): decide again with the next.
      if (outcome.claim.kind === 'workerPaymentId') continue;
      if (outcome.claim.kind === 'contractId') return refuse('CONTRACT_ID_TAKEN', 'REG-04', `contract id ${outcome.claim.value} belongs to another contract`);
      return refuse('PHONE_REGISTERED_ELSEWHERE', 'REG-03', 'the smartphone number is registered at another provider');
    }
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


/** The id of the record a write is about (a write's kind is its audited entity). */
export const idOfWrite = (w: RegistryWrite): string => String((w.value as unknown as Record<string, unknown>)[AUDITED_ID_FIELD[w.kind]]);

/**
 * The version a change gives the record an audit entry is about (0 where it writes none): a
 * record's entries of the same second keep the order of its changes (REG-08).
 */
export function versionWritten(change: RegistryChange, entry: AuditEntry): number {
  const write = change.writes.find((w) => w.kind === entry.entity && idOfWrite(w) === entry.id);
  return write ? (write.expected ?? 0) + 1 : 0;
}
