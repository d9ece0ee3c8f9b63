/** The HTTP routes `holds-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  list: jwt('GET', '/v1/holds'),
  place: jwt('POST', '/v1/holds'),
  get: jwt('GET', '/v1/holds/{holdId}'),
  act: jwt('POST', '/v1/holds/actions'),
  document: jwt('POST', '/v1/holds/{holdId}/documents'),
  review: jwt('POST', '/v1/holds/{holdId}/review'),
} as const satisfies RouteTable;
