/** The HTTP routes `feeds-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  deaths: jwt('POST', '/v1/feeds/deaths', 'Death records (SCR-03)'),
  immigration: jwt('POST', '/v1/feeds/immigration', 'Immigration records (SCR-04/05)'),
} as const satisfies RouteTable;
