/** The HTTP routes `cms-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  list: jwt('GET', '/v1/cms/files', 'CMS files and their state (CMS-02/03)'),
  get: jwt('GET', '/v1/cms/files/{fileId}', 'One CMS file and its history'),
  content: jwt('GET', '/v1/cms/files/{fileId}/content', "The CMS file's exact bytes (for operators, account numbers masked)"),
} as const satisfies RouteTable;
