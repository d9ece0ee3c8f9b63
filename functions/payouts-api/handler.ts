/**
 * Deposits and payouts (domain.md §6): `POST /v1/deposits` (PO-03), `GET /v1/payouts` and
 * `/v1/payouts/{id}` with its PO-07 statement, `GET /v1/delays` (PO-03/04), `GET /v1/forecasts`
 * (PO-06). The use cases are domain/settlement/{deposits,views}.ts; this maps them to HTTP.
 */
import * as z from 'zod';
import { recordDeposit } from '../../domain/settlement/deposits';
import { depositForecasts, listPayouts, payoutFor, payoutStatement, providerForecasts, type PayoutViewRefusal } from '../../domain/settlement/views';
import { isoDate, municipalityCode, programCode, recordId } from '../../events/common';
import { depositRequest } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { invalidRequest, refusalError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { settlementStore } from '../shared/stores';
import { callerOf, municipalityFilter, providerFilter } from '../shared/tenancy';
import { routes } from './routes';

const refused = (r: PayoutViewRefusal) => (r.code === 'NOT_FOUND' ? refusalError(r, 404) : invalidRequest([{ path: 'query.payDate', code: r.code, message: 'required without providerId' }], r.message));
const settlement = () => settlementStore();

const deposit = route({ roles: ['municipality', 'agency'], body: depositRequest }, async ({ body, principal }) => {
  municipalityFilter(principal, body.municipalityCode);
  const recorded = await recordDeposit({ deposits: settlement().deposits, clock: systemClock }, principal.sub, body);
  logger.info('deposit', { depositId: recorded.depositId, municipalityCode: recorded.municipalityCode, programCode: recorded.programCode, amount: recorded.amount, duplicate: recorded.duplicate });
  return json(recorded.duplicate ? 200 : 201, recorded);
});

const list = route({ roles: ['provider', 'agency'], query: z.object({ payDate: isoDate.optional(), providerId: recordId.optional(), ...pageQuery }).strict() }, async ({ query, principal }) => {
  const listed = await listPayouts(settlement().payouts, providerFilter(principal, query.providerId), query.payDate, query);
  if (!listed.ok) throw refused(listed.refusal);
  return json(200, { items: listed.page.items, nextToken: listed.page.nextToken ?? null });
});

const get = route({ roles: ['provider', 'agency'] }, async ({ path, principal }) => {
  const found = await payoutFor(settlement().payouts, callerOf(principal), path.payoutId ?? '');
  if (!found.ok) throw refused(found.refusal);
  return json(200, found.payout);
});

const statement = route({ roles: ['provider', 'agency'] }, async ({ path, principal }) => {
  const found = await payoutStatement({ records: settlement().payouts, statements: settlement().statements }, callerOf(principal), path.payoutId ?? '');
  if (!found.ok) throw refused(found.refusal);
  return { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${found.payout.payoutId}.csv"` }, body: found.csv };
});

const forecasts = route({ roles: ['municipality', 'agency', 'provider'], query: z.object({ programCode: programCode.optional(), municipalityCode: municipalityCode.optional() }).strict() }, async ({ query, principal }) => {
  if (principal.role === 'provider') {
    const mine = (await settlement().reach.municipalitiesOf(principal.providerId!)).filter((m) => !query.municipalityCode || m === query.municipalityCode);
    return json(200, { items: await providerForecasts({ deposits: settlement().deposits, clock: systemClock }, mine, query.programCode), nextToken: null });
  }
  const filter = { municipalityCode: municipalityFilter(principal, query.municipalityCode), programCode: query.programCode };
  return json(200, { items: await depositForecasts({ deposits: settlement().deposits, clock: systemClock }, filter), nextToken: null });
});

const delays = route({ roles: ['provider', 'agency'], query: z.object({ providerId: recordId.optional() }).strict() }, async ({ query, principal }) => {
  return json(200, { items: await settlement().payouts.delays(providerFilter(principal, query.providerId)), nextToken: null });
});

export { routes };
export const handler = dispatch(routes, { deposit, list, get, statement, delays, forecasts });
