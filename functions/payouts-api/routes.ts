/** The HTTP routes `payouts-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  deposit: jwt('POST', '/v1/deposits', "Record a municipality's deposit (PO-03)"),
  list: jwt('GET', '/v1/payouts', 'List payouts with their breakdown (PO-07)'),
  get: jwt('GET', '/v1/payouts/{payoutId}', 'One payout with its breakdown'),
  statement: jwt('GET', '/v1/payouts/{payoutId}/statement.csv', "A payout's statement (CSV)"),
  delays: jwt('GET', '/v1/delays', 'Delayed amounts with their reason (PO-03/04)'),
  forecasts: jwt('GET', '/v1/forecasts', 'Payout forecasts per municipality and program (PO-06)'),
} as const satisfies RouteTable;
