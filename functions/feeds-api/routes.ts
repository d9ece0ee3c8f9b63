/** The HTTP routes `feeds-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  deaths: jwt('POST', '/v1/feeds/deaths'),
  immigration: jwt('POST', '/v1/feeds/immigration'),
} as const satisfies RouteTable;
