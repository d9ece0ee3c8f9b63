/** REG-03 terminals: registration, cancel, worker matching, transfer and its decision, re-key, list. */
import * as z from 'zod';
import * as use from '../../domain/registry/terminals';
import { noBody, paths, terminalRegistration, terminalTransferRequest, terminalWorkers, transferDecision, transferState } from '../../events/registry';
import { json, pageQuery, route } from '../shared/http';
import { providerScope } from '../shared/tenancy';
import { actorOf, answer, deps, idempotencyKey } from './common';

export const registerTerminal = route({ roles: ['provider'], body: terminalRegistration }, async ({ body, principal }) =>
  answer(await use.registerTerminal(await deps(), actorOf(principal), body), 'terminal registered', { serial: body.serial }, true),
);

export const listTerminals = route({ roles: ['provider', 'agency'], query: z.object({ providerId: z.string().max(40).optional(), ...pageQuery }).strict() }, async ({ query, principal }) => {
  const page = await (await deps()).port.providerTerminals(providerScope(principal, query.providerId), query.limit, query.nextToken);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

export const cancelTerminal = route({ roles: ['provider'], body: noBody, path: paths.serial }, async ({ path, principal }) =>
  answer(await use.cancelTerminal(await deps(), actorOf(principal), path.serial!), 'terminal cancelled', { serial: path.serial! }),
);

export const matchWorkers = route({ roles: ['provider'], body: terminalWorkers, path: paths.serial }, async ({ body, path, principal }) =>
  answer(await use.matchTerminalWorkers(await deps(), actorOf(principal), path.serial!, body.workerIds), 'terminal workers matched', { serial: path.serial! }),
);

export const requestTransfer = route({ roles: ['provider'], body: terminalTransferRequest, path: paths.serial }, async ({ body, path, principal, event }) =>
  answer(await use.requestTransfer(await deps(), actorOf(principal), path.serial!, body.toBusinessNumber, idempotencyKey(event)), 'terminal transfer requested', { serial: path.serial! }),
);

export const rekey = route({ roles: ['provider'], body: noBody, path: paths.serial }, async ({ path, principal, event }) =>
  answer(await use.rekeyTerminal(await deps(), actorOf(principal), path.serial!, idempotencyKey(event)), 'terminal re-keyed', { serial: path.serial! }, true),
);

export const listTransfers = route({ roles: ['agency'], query: z.object({ state: transferState.default('REQUESTED'), ...pageQuery }).strict() }, async ({ query }) => {
  const page = await (await deps()).port.terminalTransfers(query.state, query.limit, query.nextToken);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

export const approveTransfer = route({ roles: ['agency'], body: transferDecision.optional(), path: paths.transfer }, async ({ body, path, principal }) =>
  answer(await use.decideTransfer(await deps(), actorOf(principal), path.transferId!, true, body?.reason), 'terminal transfer approved', { transferId: path.transferId! }),
);

export const rejectTransfer = route({ roles: ['agency'], body: transferDecision.optional(), path: paths.transfer }, async ({ body, path, principal }) =>
  answer(await use.decideTransfer(await deps(), actorOf(principal), path.transferId!, false, body?.reason), 'terminal transfer rejected', { transferId: path.transferId! }),
);
