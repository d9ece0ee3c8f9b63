/** What the registry's use cases need from storage. */
import type { Issue } from '../shared/result';
import type { Actor } from './audit';
import type { AccessLog, PersonRecordAccess } from './access-log';
import type { ExistingRegistry, ImportPlan, ReferencedIds } from './document';

export interface ImportSaveReport {
  /** Records that could not be stored (a uniqueness conflict found at write time). */
  rejected: Issue[];
  created: number;
  updated: number;
  unchanged: number;
}

/** Who imports, and when: each record created or changed is in its history (REG-08). */
export interface ImportAudit {
  actor: Actor;
  at: string;
}

/** Registry persistence for the import (`POST /v1/admin/import`). */
export interface RegistryImportStore {
  loadExisting(ids: ReferencedIds): Promise<ExistingRegistry>;
  /** Each record created or changed is written with its audit entry, in one transaction. */
  save(plan: ImportPlan, existing: ExistingRegistry, audit: ImportAudit): Promise<ImportSaveReport>;
}

/** A person's record as staff may see it: the RRN only masked, nothing sealed or hashed (REG-07). */
export interface PersonRecord {
  rrnMasked: string;
  providerId?: string;
  municipalityCode?: string;
  [field: string]: unknown;
}

/** People's records for staff, and the access log every read of one is recorded in (REG-07). */
export interface PeoplePort extends AccessLog {
  recipient(recipientId: string): Promise<PersonRecord | null>;
  worker(workerId: string): Promise<PersonRecord | null>;
  /** Whether the provider has (or had) a contract with the recipient. */
  providerHasContract(providerId: string, recipientId: string): Promise<boolean>;
  /** The reads of a person's record, newest first. */
  accessesOf(subjectType: PersonRecordAccess['subjectType'], subjectId: string): Promise<PersonRecordAccess[]>;
}
