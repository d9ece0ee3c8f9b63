/**
 * Deposits and payouts (domain.md §6):
 * - `POST /v1/deposits` (municipality for its own code, agency): PO-03, recorded once
 * - `GET /v1/payouts?payDate=&providerId=` and `GET /v1/payouts/{id}` (provider: its own; agency)
 * - `GET /v1/delays` (provider: its own; agency: all) with reasons (PO-03/04)
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { forecast } from '../../domain/settlement/forecast';
import { statementCsv } from '../../domain/settlement/statements';
import { addMonths, formatKst, kstMonth } from '../../domain/shared/calendar';
import { isoDate, recordId } from '../../events/common';
import { depositRequest } from '../../events/payouts';
import { systemClock } from '../shared/clock';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoSettlementStore } from '../shared/dynamo/settlement-store';
import { ApiError } from '../shared/errors';
import { dispatch, json, pageQuery, route } from '../shared/http';
import { logger } from '../shared/observability';
import { municipalityFilter, providerFilter, sees } from '../shared/tenancy';
import { routes } from './routes';

let store: DynamoSettlementStore | undefined;
const db = () => (store ??= new DynamoSettlementStore(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000)));

export const deposit = route({ roles: ['municipality', 'agency'], body: depositRequest }, async ({ body, principal }) => {
  municipalityFilter(principal, body.municipalityCode);
  const depositId = body.depositId ?? `D${createHash('sha256').update(`${body.municipalityCode}|${body.programCode}|${body.amount}|${new Date(body.depositedAt).toISOString()}`).digest('hex').slice(0, 20)}`;
  const outcome = await db().deposit({ depositId, municipalityCode: body.municipalityCode, programCode: body.programCode, amount: body.amount, depositedAt: formatKst(new Date(body.depositedAt)), recordedBy: principal.sub, at: formatKst(systemClock.now()) });
  const account = await db().depositAccount(body.municipalityCode, body.programCode);
  logger.info('deposit', { depositId, municipalityCode: body.municipalityCode, programCode: body.programCode, amount: body.amount, outcome });
  return json(outcome === 'recorded' ? 201 : 200, { depositId, duplicate: outcome === 'duplicate', municipalityCode: body.municipalityCode, programCode: body.programCode, amount: body.amount, ...account });
});

const payoutQuery = z.object({ payDate: isoDate.optional(), providerId: recordId.optional(), ...pageQuery }).strict();

export const list = route({ roles: ['provider', 'agency'], query: payoutQuery }, async ({ query, principal }) => {
  const providerId = providerFilter(principal, query.providerId);
  if (providerId) {
    const page = await db().providerPayouts(providerId, query.payDate, query);
    return json(200, { items: page.items, nextToken: page.nextToken ?? null });
  }
  if (!query.payDate) throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'the agency lists payouts by providerId or by payDate', { fields: [{ path: 'query.payDate', message: 'required without providerId' }] });
  const page = await db().payDayPayouts(query.payDate, query);
  return json(200, { items: page.items, nextToken: page.nextToken ?? null });
});

export const get = route({ roles: ['provider', 'agency'] }, async ({ path, principal }) => {
  const payout = await db().payout(path.payoutId ?? '');
  if (!payout || !sees(principal, payout)) throw new ApiError('NOT_FOUND', 'NOT_FOUND', `payout ${path.payoutId} not found`);
  return json(200, payout);
});

export const statement = route({ roles: ['provider', 'agency'] }, async ({ path, principal }) => {
  const payout = await db().payout(path.payoutId ?? '');
  if (!payout || !sees(principal, payout)) throw new ApiError('NOT_FOUND', 'NOT_FOUND', `payout ${path.payoutId} not found`);
  const csv = statementCsv(payout, await db().statementFacts(payout));
  return { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${payout.payoutId}.csv"` }, body: csv };
});

const forecastQuery = z.object({ programCode: z.string().regex(/^[A-Z_]{2,20}$/).optional(), municipalityCode: z.string().regex(/^\d{5}$/).optional() }).strict();

/** PO-06: municipality (its own accounts) and agency (all, or one municipality). */
export const forecasts = route({ roles: ['municipality', 'agency'], query: forecastQuery }, async ({ query, principal }) => {
  const municipalityCode = municipalityFilter(principal, query.municipalityCode);
  const month = kstMonth(systemClock.now());
  const facts = await db().forecastFacts({ municipalityCode, programCode: query.programCode }, month, addMonths(month, 2));
  return json(200, { items: facts.map((f) => ({ municipalityCode: f.municipalityCode, programCode: f.programCode, balance: f.balance, months: forecast(f.balance, f.granted, month) })), nextToken: null });
});

export const delays = route({ roles: ['provider', 'agency'], query: z.object({ providerId: recordId.optional() }).strict() }, async ({ query, principal }) => {
  return json(200, { items: await db().delays(providerFilter(principal, query.providerId)), nextToken: null });
});

/** One function, six routes. */
export { routes };
export const handler = dispatch(routes, { deposit, list, get, statement, delays, forecasts });
