/** The HTTP routes `holds-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  list: jwt('GET', '/v1/holds', 'List holds'),
  place: jwt('POST', '/v1/holds', 'Place a hold on payments (agency)'),
  get: jwt('GET', '/v1/holds/{holdId}', 'One hold with its history'),
  act: jwt('POST', '/v1/holds/actions', 'Withdraw payments or submit explanations for holds (HOLD-01)'),
  document: jwt('POST', '/v1/holds/{holdId}/documents', 'Upload a supporting document (pre-signed S3 upload)'),
  review: jwt('POST', '/v1/holds/{holdId}/review', 'Review a hold: request supplements, decide PAY or NO_PAY'),
} as const satisfies RouteTable;
