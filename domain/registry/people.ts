/**
 * REG-07: a person's record for staff. The RRN is shown only masked, and every read is recorded
 * in the access log before the record is answered. Unknown and not-yours answer alike for all
 * but the agency, so that ids cannot be probed.
 */
import { formatKst } from '../shared/calendar';
import type { Clock } from '../shared/ports';
import { type Refusal, type Refused, refusalOf } from '../shared/result';
import type { PersonRecordAccess } from './access-log';
import type { PeoplePort, PersonRecord } from './ports';

export type PersonReadRefusal = Refused<'NOT_FOUND' | 'FORBIDDEN', 'REG-07'>;
const refuse = refusalOf<PersonReadRefusal>();

/** Who reads, as the access log records them, and whether tenancy lets them see a record (§8). */
export interface PersonReader {
  sub: string;
  role: string;
  /** The provider or municipality the reader acts for. */
  scope?: string | undefined;
  mayRead(person: { providerId?: string | undefined; municipalityCode?: string | undefined }, providerHasContract: () => Promise<boolean>): Promise<boolean> | boolean;
}

/** The record as staff see it: every stored field but the masked RRN, which is shown as `rrn`. */
export type PersonView = Omit<PersonRecord, 'rrnMasked'> & { rrn: string };

export async function readPerson(
  deps: { people: PeoplePort; clock: Clock },
  reader: PersonReader,
  subject: { type: PersonRecordAccess['subjectType']; id: string },
  requestId: string,
): Promise<{ ok: true; person: PersonView } | Refusal<PersonReadRefusal>> {
  const record = subject.type === 'RECIPIENT' ? await deps.people.recipient(subject.id) : await deps.people.worker(subject.id);
  // A worker is its provider's; a recipient is its municipality's, and a provider's with a contract.
  const owner = (r: PersonRecord) => (subject.type === 'WORKER' ? { providerId: r.providerId } : { municipalityCode: r.municipalityCode });
  const allowed = record !== null && (await reader.mayRead(owner(record), () => deps.people.providerHasContract(reader.scope ?? '', subject.id)));
  if (!record || !allowed) {
    return reader.role === 'agency' ? refuse('NOT_FOUND', 'REG-07', `${subject.type === 'RECIPIENT' ? 'recipient' : 'worker'} not found`) : refuse('FORBIDDEN', 'REG-07', 'this record is not in your scope');
  }
  await deps.people.record({
    subjectType: subject.type,
    subjectId: subject.id,
    actor: reader.sub,
    actorRole: reader.role,
    ...(reader.scope ? { actorScope: reader.scope } : {}),
    action: 'READ',
    at: formatKst(deps.clock.now()),
    requestId,
  });
  const { rrnMasked, ...rest } = record;
  return { ok: true, person: { ...rest, rrn: rrnMasked } };
}
