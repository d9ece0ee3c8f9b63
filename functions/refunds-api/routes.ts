/** The HTTP routes `refunds-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  request: jwt('POST', '/v1/refunds'),
  list: jwt('GET', '/v1/refunds'),
  approve: jwt('POST', '/v1/refunds/{refundId}/approve'),
  reject: jwt('POST', '/v1/refunds/{refundId}/reject'),
} as const satisfies RouteTable;
