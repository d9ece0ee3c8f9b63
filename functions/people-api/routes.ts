/** The HTTP routes `people-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  recipient: jwt('GET', '/v1/recipients/{recipientId}'),
  worker: jwt('GET', '/v1/workers/{workerId}'),
} as const satisfies RouteTable;
