/** The HTTP routes `refunds-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  request: jwt('POST', '/v1/refunds', 'Request a refund of a past payment'),
  list: jwt('GET', '/v1/refunds', 'List refunds'),
  approve: jwt('POST', '/v1/refunds/{refundId}/approve', 'Approve a refund'),
  reject: jwt('POST', '/v1/refunds/{refundId}/reject', 'Reject a refund'),
} as const satisfies RouteTable;
