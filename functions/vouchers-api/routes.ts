/** The HTTP routes `vouchers-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  list: jwt('GET', '/v1/vouchers', 'List vouchers'),
} as const satisfies RouteTable;
