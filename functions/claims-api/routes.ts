/** The HTTP routes `claims-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  file: jwt('POST', '/v1/claims'),
  list: jwt('GET', '/v1/claims'),
  approve: jwt('POST', '/v1/claims/{claimId}/approve'),
  reject: jwt('POST', '/v1/claims/{claimId}/reject'),
  withdraw: jwt('POST', '/v1/claims/{claimId}/withdraw'),
} as const satisfies RouteTable;
