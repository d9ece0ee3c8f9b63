/** The HTTP routes `cms-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  list: jwt('GET', '/v1/cms/files'),
  get: jwt('GET', '/v1/cms/files/{fileId}'),
  content: jwt('GET', '/v1/cms/files/{fileId}/content'),
} as const satisfies RouteTable;
