/** The HTTP routes `payments-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  list: jwt('GET', '/v1/payments', 'List payments'),
  daily: jwt('GET', '/v1/payments/daily', 'Payments per day'),
} as const satisfies RouteTable;
