/** The HTTP routes `registry-api` serves (api.md "Registry API", REG-01…08). */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  registerTerminal: jwt('POST', '/v1/terminals'),
  listTerminals: jwt('GET', '/v1/terminals'),
  cancelTerminal: jwt('POST', '/v1/terminals/{serial}/cancel'),
  matchWorkers: jwt('PUT', '/v1/terminals/{serial}/workers'),
  requestTransfer: jwt('POST', '/v1/terminals/{serial}/transfer'),
  rekey: jwt('POST', '/v1/terminals/{serial}/rekey'),
  listTransfers: jwt('GET', '/v1/terminal-transfers'),
  approveTransfer: jwt('POST', '/v1/terminal-transfers/{transferId}/approve'),
  rejectTransfer: jwt('POST', '/v1/terminal-transfers/{transferId}/reject'),
  issueCard: jwt('POST', '/v1/cards'),
  reportLoss: jwt('POST', '/v1/cards/{cardNumber}/report-loss'),
  replaceCard: jwt('POST', '/v1/cards/{cardNumber}/replace'),
  patchProvider: jwt('PATCH', '/v1/providers/{providerId}'),
  putAccount: jwt('PUT', '/v1/providers/{providerId}/accounts/{programCode}'),
  audit: jwt('GET', '/v1/audit'),
} as const satisfies RouteTable;
