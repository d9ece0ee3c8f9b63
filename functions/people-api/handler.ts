/**
 * `GET /v1/recipients/{recipientId}` and `GET /v1/workers/{workerId}`: a person's record for
 * staff, RRN masked (REG-07), each read recorded in the access log before it is answered.
 */
import type { PersonRecordAccess } from '../../domain/registry/access-log';
import { formatKst } from '../../domain/shared/calendar';
import { systemClock } from '../shared/clock';
import { forbidden, notFound } from '../shared/errors';
import { dispatch, json, route } from '../shared/http';
import { mayReadPerson } from '../shared/tenancy';
import { stores } from '../shared/stores';
import { routes } from './routes';

const people = stores.people;

const person = route({ roles: ['provider', 'municipality', 'agency'] }, async ({ path, principal, event }) => {
  const subjectType: PersonRecordAccess['subjectType'] = path.recipientId !== undefined ? 'RECIPIENT' : 'WORKER';
  const subjectId = (path.recipientId ?? path.workerId)!;
  const record = subjectType === 'RECIPIENT' ? await people().recipient(subjectId) : await people().worker(subjectId);
  // Unknown and not-yours answer alike, so that ids cannot be probed.
  const person = record as { municipalityCode?: string; providerId?: string } | null;
  const allowed = person !== null && (await mayReadPerson(principal, subjectType === 'WORKER' ? { providerId: person.providerId } : { municipalityCode: person.municipalityCode }, () => people().providerHasContract(principal.providerId!, subjectId)));
  if (!record || !allowed) throw principal.role === 'agency' ? notFound(subjectType === 'RECIPIENT' ? 'recipient' : 'worker', { id: subjectId }) : forbidden('this record is not in your scope');
  await people().record({
    subjectType,
    subjectId,
    actor: principal.sub,
    actorRole: principal.role,
    ...(principal.providerId ? { actorScope: principal.providerId } : principal.municipalityCode ? { actorScope: principal.municipalityCode } : {}),
    action: 'READ',
    at: formatKst(systemClock.now()),
    requestId: event.requestContext.requestId,
  });
  const { rrnMasked, ...rest } = record;
  return json(200, { ...rest, rrn: rrnMasked });
});

export { routes };
export const handler = dispatch(routes, { recipient: person, worker: person });
