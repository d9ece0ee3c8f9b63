/**
 * `GET /v1/recipients/{recipientId}` and `GET /v1/workers/{workerId}`: a person's record for
 * staff, RRN masked, each read recorded in the access log before it is answered (REG-07). The use
 * case is domain/registry/people.ts; tenancy decides who may read whom.
 */
import { type PersonReadRefusal, readPerson } from '../../domain/registry/people';
import { systemClock } from '../shared/clock';
import { forbidden, refusalError } from '../shared/errors';
import { dispatch, json, route } from '../shared/http';
import { peopleStore } from '../shared/stores';
import { mayReadPerson } from '../shared/tenancy';
import { routes } from './routes';

const refused = (r: PersonReadRefusal, id: string) => (r.code === 'NOT_FOUND' ? refusalError(r, 404, { id }) : forbidden(r.message, { rule: r.rule }));

const person = route({ roles: ['provider', 'municipality', 'agency'] }, async ({ path, principal, event }) => {
  const subject = path.recipientId !== undefined ? { type: 'RECIPIENT' as const, id: path.recipientId } : { type: 'WORKER' as const, id: path.workerId ?? '' };
  const reader = { sub: principal.sub, role: principal.role, scope: principal.providerId ?? principal.municipalityCode, mayRead: mayReadPerson.bind(null, principal) };
  const read = await readPerson({ people: peopleStore(), clock: systemClock }, reader, subject, event.requestContext.requestId);
  if (!read.ok) throw refused(read.refusal, subject.id);
  return json(200, read.person);
});

export { routes };
export const handler = dispatch(routes, { recipient: person, worker: person });
