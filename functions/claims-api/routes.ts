/** The HTTP routes `claims-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  file: jwt('POST', '/v1/claims', 'File a claim for a service that could not be paid at a terminal (EXC-02/03)'),
  list: jwt('GET', '/v1/claims', 'List claims'),
  approve: jwt('POST', '/v1/claims/{claimId}/approve', 'Approve a claim (EXC-01/02)'),
  reject: jwt('POST', '/v1/claims/{claimId}/reject', 'Reject a claim'),
  withdraw: jwt('POST', '/v1/claims/{claimId}/withdraw', 'Withdraw a claim not yet decided'),
} as const satisfies RouteTable;
