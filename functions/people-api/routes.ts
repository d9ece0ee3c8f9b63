/** The HTTP routes `people-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  recipient: jwt('GET', '/v1/recipients/{recipientId}', 'One recipient (personal data masked by role)'),
  worker: jwt('GET', '/v1/workers/{workerId}', 'One worker (personal data masked by role)'),
} as const satisfies RouteTable;
