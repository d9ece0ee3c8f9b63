/** What the registry's use cases need from storage. */
import type { Issue } from '../shared/result';
import type { ExistingRegistry, ImportPlan, ReferencedIds } from './document';

export interface ImportSaveReport {
  /** Records that could not be stored (a uniqueness conflict found at write time). */
  rejected: Issue[];
  created: number;
  updated: number;
  unchanged: number;
}

/** Registry persistence for the import (`POST /v1/admin/import`). */
export interface RegistryImportStore {
  loadExisting(ids: ReferencedIds): Promise<ExistingRegistry>;
  save(plan: ImportPlan, existing: ExistingRegistry): Promise<ImportSaveReport>;
}
