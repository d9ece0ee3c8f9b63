/** REG-02 workers (제공인력 관리): registration with the system's payment ID, termination, the provider's list. */
import * as z from 'zod';
import { kstDate } from '../../domain/shared/calendar';
import * as use from '../../domain/registry/workers';
import { paths, workerQuery, workerRegistration, workerTermination } from '../../events/registry';
import { systemClock } from '../shared/clock';
import { json, pageQuery, route } from '../shared/http';
import { actorOf, answer, deps } from './common';

export const registerWorker = route({ roles: ['provider'], body: workerRegistration }, async ({ body, principal }) =>
  answer(await use.registerWorker(await deps(), actorOf(principal), body), 'worker registered', { workerId: body.workerId }),
);

export const terminateWorker = route({ roles: ['provider'], body: workerTermination, path: paths.worker }, async ({ body, path, principal }) =>
  answer(await use.terminateWorker(await deps(), actorOf(principal), path.workerId!, body), 'worker terminated', { workerId: path.workerId! }),
);

/** The provider's workers, RRN masked, each with its status today. */
export const listWorkers = route({ roles: ['provider'], query: z.object({ ...workerQuery, ...pageQuery }).strict() }, async ({ query, principal }) => {
  const page = await (await deps()).port.providerWorkers(principal.providerId!, query.limit, query.nextToken);
  const today = kstDate(systemClock.now());
  const items = page.items.map((w) => ({ ...w, status: use.workerStatus(w, today) })).filter((w) => !query.status || w.status === query.status);
  return json(200, { items, nextToken: page.nextToken ?? null });
});
