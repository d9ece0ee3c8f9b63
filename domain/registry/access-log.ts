/**
 * REG-07: every read of a person's record by staff is recorded — who, when, what — before the
 * record is shown.
 */
export interface PersonRecordAccess {
  subjectType: 'RECIPIENT' | 'WORKER';
  subjectId: string;
  actor: string;
  actorRole: string;
  actorScope?: string;
  action: 'READ';
  at: string;
  requestId: string;
}

export interface AccessLog {
  record(entry: PersonRecordAccess): Promise<void>;
}
