/** REG-02 workers (제공인력 관리): registration with the system's payment ID, termination, the provider's list. */
import * as z from 'zod';
import * as use from '../../domain/registry/workers';
import { paths, workerQuery, workerRegistration, workerTermination } from '../../events/registry';
import { json, pageQuery, route } from '../shared/http';
import { actorOf, answer, deps } from './common';

export const registerWorker = route({ roles: ['provider'], body: workerRegistration }, async ({ body, principal }) =>
  answer(await use.registerWorker(await deps(), actorOf(principal), body), 'worker registered', { workerId: body.workerId }),
);

export const terminateWorker = route({ roles: ['provider'], body: workerTermination, path: paths.worker }, async ({ body, path, principal }) =>
  answer(await use.terminateWorker(await deps(), actorOf(principal), path.workerId!, body), 'worker terminated', { workerId: path.workerId! }),
);

/** The provider's workers, RRN masked, each with its status today; each read recorded (REG-07). */
export const listWorkers = route({ roles: ['provider'], query: z.object({ ...workerQuery, ...pageQuery }).strict() }, async ({ query, principal, event }) => {
  const page = await use.listWorkers(await deps(), actorOf(principal), query, event.requestContext.requestId);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});
