/** `GET /v1/vouchers?month=&status=` (provider; agency with `providerId`): VCH-03. */
import * as z from 'zod';
import { kstMonth } from '../../domain/shared/calendar';
import { yearMonth } from '../../events/common';
import { systemClock } from '../shared/clock';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { providerScope } from '../shared/tenancy';
import { voucherStore } from '../shared/stores';
import { routes } from './routes';

const query = z.object({
  month: yearMonth.optional(),
  status: z.enum(['GENERATED', 'NOT_GENERATED']).optional(),
  providerId: z.string().min(1).max(40).optional(),
  ...pageQuery,
});


const list = route({ roles: ['provider', 'agency'], query }, async ({ query: q, principal }) => {
  const providerId = providerScope(principal, q.providerId);
  const month = q.month ?? kstMonth(systemClock.now());
  const page = await voucherStore().listOutcomes(providerId, month, { ...(q.status ? { status: q.status } : {}) }, { limit: q.limit, ...(q.nextToken ? { nextToken: q.nextToken } : {}) });
  return json(200, { providerId, month, items: page.items, nextToken: page.nextToken ?? null });
});

export { routes };
export const handler = dispatch(routes, { list });
