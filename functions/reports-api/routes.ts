/** The HTTP routes `reports-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  conservation: jwt('GET', '/v1/reports/conservation'),
} as const satisfies RouteTable;
