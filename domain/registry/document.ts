/**
 * The registry import document (api.md `POST /v1/admin/import`) as the domain reads it: each
 * section's well-formed records with their position in the document, before any rule is checked.
 * `events/import.ts` parses the wire format into this shape.
 */
import type { Issue } from '../shared/result';
import type { Card, Contract, Grade, Program, Provider, Recipient, ServiceType, Terminal, TerminalKind, TimeTerms, Worker } from './entities';

export interface Indexed<T> {
  /** Position in the document's section, for the rejection report's path. */
  index: number;
  record: T;
}

/** A program as the import document gives it: a `TIME` program's terms flat on it (api.md), a grade's `N` or `H`. */
export type ImportedProgram = Omit<Program, 'serviceTypes' | 'time'> &
  Partial<TimeTerms> & {
    serviceTypes: (Omit<ServiceType, 'programCode' | 'grades'> & { grades: (Omit<Grade, 'sessionsPerMonth'> & { sessionsPerMonth?: number | undefined; monthlyMinutes?: number | undefined })[] })[];
  };
export type ImportedTerminal = Omit<Terminal, 'kind'> & { kind?: TerminalKind | undefined };
export type ImportedContract = Omit<Contract, 'initialGrade' | 'gradeChanges'>;

export interface ImportDocument {
  programs: Indexed<ImportedProgram>[];
  providers: Indexed<Provider>[];
  workers: Indexed<Worker>[];
  terminals: Indexed<ImportedTerminal>[];
  recipients: Indexed<Recipient>[];
  cards: Indexed<Card>[];
  contracts: Indexed<ImportedContract>[];
}

/** The ids a document refers to, so that the store can load exactly those. */
export interface ReferencedIds {
  programs: Set<string>;
  serviceCodes: Set<string>;
  providers: Set<string>;
  workers: Set<string>;
  terminals: Set<string>;
  recipients: Set<string>;
  cards: Set<string>;
  contracts: Set<string>;
}

/** What the store already holds about the records a document refers to. */
export interface ExistingRegistry {
  serviceTypes: ReadonlyMap<string, ServiceType>;
  programs: ReadonlySet<string>;
  providers: ReadonlyMap<string, { businessNumber: string }>;
  workers: ReadonlyMap<string, { providerId: string; workerPaymentId?: string }>;
  terminals: ReadonlyMap<string, { providerId: string; phone: string }>;
  recipients: ReadonlyMap<string, { status: Recipient['status']; municipalityCode?: string }>;
  cards: ReadonlyMap<string, { recipientId: string }>;
  contracts: ReadonlyMap<string, Contract>;
  /**
   * The stored records themselves, by `entity#id` (nothing sealed or hashed), for the import's
   * change history (REG-08: before and after).
   */
  records?: ReadonlyMap<string, Record<string, unknown>>;
}

/** The accepted records, normalised into registry entities, and the rejected ones. */
export interface ImportPlan {
  programs: Indexed<Program>[];
  providers: Indexed<Provider>[];
  workers: Indexed<Worker>[];
  terminals: Indexed<Terminal>[];
  recipients: Indexed<Recipient>[];
  cards: Indexed<Card>[];
  contracts: Indexed<Contract>[];
  rejected: Issue[];
}
