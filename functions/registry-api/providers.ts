/** REG-01 provider records, CMS-04 payout accounts and the REG-08 change history. */
import * as z from 'zod';
import { changePayoutAccount, patchProvider as patch } from '../../domain/registry/providers';
import { auditQuery, paths, payoutAccount, providerPatch } from '../../events/registry';
import { json, pageQuery, route } from '../shared/http';
import { actorOf, answer, deps } from './common';

export const patchProvider = route({ roles: ['provider', 'municipality', 'agency'], body: providerPatch, path: paths.provider }, async ({ body, path, principal }) =>
  answer(await patch(await deps(), actorOf(principal), path.providerId!, body), 'provider changed', { providerId: path.providerId! }),
);

export const putAccount = route({ roles: ['municipality', 'agency'], body: payoutAccount, path: paths.account }, async ({ body, path, principal }) =>
  answer(await changePayoutAccount(await deps(), actorOf(principal), path.providerId!, { programCode: path.programCode!, ...body }), 'payout account changed', { providerId: path.providerId!, programCode: path.programCode! }),
);

export const audit = route({ roles: ['agency'], query: z.object({ ...auditQuery, ...pageQuery }).strict() }, async ({ query }) => {
  const page = await (await deps()).port.auditOf(query.entity, query.id, query.limit, query.nextToken);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});
