/** The HTTP routes `reports-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  conservation: jwt('GET', '/v1/reports/conservation'),
  settlements: jwt('GET', '/v1/settlements'),
  deposits: jwt('GET', '/v1/deposits'),
  lapsed: jwt('GET', '/v1/reports/lapsed'),
} as const satisfies RouteTable;
