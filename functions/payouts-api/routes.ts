/** The HTTP routes `payouts-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  deposit: jwt('POST', '/v1/deposits'),
  list: jwt('GET', '/v1/payouts'),
  get: jwt('GET', '/v1/payouts/{payoutId}'),
  statement: jwt('GET', '/v1/payouts/{payoutId}/statement.csv'),
  delays: jwt('GET', '/v1/delays'),
  forecasts: jwt('GET', '/v1/forecasts'),
} as const satisfies RouteTable;
