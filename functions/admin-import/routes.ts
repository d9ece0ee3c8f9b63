/** The HTTP routes `admin-import` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  load: jwt('POST', '/v1/admin/import'),
} as const satisfies RouteTable;
