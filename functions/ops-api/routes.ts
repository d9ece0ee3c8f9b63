/** The HTTP routes `ops-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  queues: jwt('GET', '/v1/ops/queues'),
  deadLetters: jwt('GET', '/v1/ops/dead-letters'),
  redrive: jwt('POST', '/v1/ops/dead-letters/{queue}/redrive'),
  alarms: jwt('GET', '/v1/ops/alarms'),
} as const satisfies RouteTable;
