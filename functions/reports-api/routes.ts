/** The HTTP routes `reports-api` serves. */
import { jwt, type RouteTable } from '../shared/routes';

export const routes = {
  conservation: jwt('GET', '/v1/reports/conservation', 'PO-08 conservation: every won approved accounted for'),
  settlements: jwt('GET', '/v1/settlements', 'Monthly settlement by recipient, worker or day (PO-07); CSV too'),
  deposits: jwt('GET', '/v1/deposits', "Each deposit's balance and entries"),
  lapsed: jwt('GET', '/v1/reports/lapsed', 'What lapsed per municipality and program (VCH-04)'),
} as const satisfies RouteTable;
