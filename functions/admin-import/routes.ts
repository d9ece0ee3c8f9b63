/** The HTTP routes `admin-import` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  load: jwt('POST', '/v1/admin/import', 'Import registry records (programs, providers, workers, terminals, recipients, cards, contracts)'),
} as const satisfies RouteTable;
