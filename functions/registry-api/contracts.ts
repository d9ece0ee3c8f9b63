/** REG-04 contracts (계약대상자등록) with VCH-05's voucher, and the VCH-03 lists. */
import * as z from 'zod';
import * as use from '../../domain/registry/contracts';
import { contractQuery, contractRegistration, contractTermination, designatedWorkers, paths, unusedQuery } from '../../events/registry';
import { refusalError } from '../shared/errors';
import { json, pageQuery, route } from '../shared/http';
import { actorOf, answer, deps } from './common';
import { REGISTRY_STATUS } from './statuses';

export const registerContract = route({ roles: ['provider'], body: contractRegistration }, async ({ body, principal }) =>
  answer(await use.registerContract(await deps(), actorOf(principal), body), 'contract registered', { contractId: body.contractId }),
);

export const designateWorkers = route({ roles: ['provider'], body: designatedWorkers, path: paths.contract }, async ({ body, path, principal }) =>
  answer(await use.changeDesignatedWorkers(await deps(), actorOf(principal), path.contractId!, body.designatedWorkerIds), 'designated workers changed', { contractId: path.contractId! }),
);

export const terminateContract = route({ roles: ['provider', 'municipality'], body: contractTermination, path: paths.contract }, async ({ body, path, principal }) =>
  answer(await use.terminateContract(await deps(), actorOf(principal), path.contractId!, body), 'contract terminated', { contractId: path.contractId! }),
);

export const listContracts = route({ roles: ['provider'], query: z.object({ ...contractQuery, ...pageQuery }).strict() }, async ({ query, principal }) => {
  const { limit, nextToken, ...filter } = query;
  const outcome = await use.listContracts(await deps(), actorOf(principal), filter, limit, nextToken);
  if (!outcome.ok) throw refusalError(outcome.refusal, REGISTRY_STATUS[outcome.refusal.code]);
  return json(200, { items: outcome.page.items, nextToken: outcome.page.nextToken ?? null });
});

export const listUnused = route({ roles: ['provider', 'municipality'], query: z.object({ ...unusedQuery, ...pageQuery }).strict() }, async ({ query, principal }) => {
  const page = await use.listUnusedContracts(await deps(), actorOf(principal), query.months, query.limit, query.nextToken);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});
