/** The HTTP routes `ops-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  queues: jwt('GET', '/v1/ops/queues', 'Every queue with its depth, in-flight count, oldest message age and dead letters'),
  deadLetters: jwt('GET', '/v1/ops/dead-letters', "A dead-letter queue's messages, personal data masked"),
  redrive: jwt('POST', '/v1/ops/dead-letters/{queue}/redrive', "Move a dead-letter queue's messages back to their queue"),
  alarms: jwt('GET', '/v1/ops/alarms', "The dashboard's alarms with their state"),
} as const satisfies RouteTable;
