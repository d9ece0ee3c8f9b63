/**
 * Reports (api.md "Settlement and reports"): `GET /v1/reports/conservation` (PO-08 on the
 * maintained totals), `GET /v1/settlements` (PO-07 per provider and service month, JSON or CSV)
 * `GET /v1/deposits` (PO-03 accounts with their entries) and `GET /v1/reports/lapsed` (VCH-04). The use cases are
 * domain/settlement/{totals,monthly,deposits}.ts and domain/vouchers/lapse.ts; this maps them to HTTP.
 */
import * as z from 'zod';
import { conservationAnswer, lapsedAnswer } from '../../events/answers';
import { formatKst, kstDate } from '../../domain/shared/calendar';
import { lapsedReport } from '../../domain/vouchers/lapse';
import { depositStatements } from '../../domain/settlement/deposits';
import { monthlyCsv, monthlySettlement } from '../../domain/settlement/monthly';
import { conservationReport } from '../../domain/settlement/totals';
import { municipalityCode, programCode, recordId, yearMonth } from '../../events/common';
import { systemClock } from '../shared/clock';
import { dispatch, json, route } from '../shared/http';
import { logger, metrics } from '../shared/observability';
import { settlementStore, voucherStore } from '../shared/stores';
import { municipalityFilter, providerScope } from '../shared/tenancy';
import { routes } from './routes';

const settlement = () => settlementStore();

const conservation = route({ roles: ['agency', 'ops'], answers: [{ status: 200, description: 'the balances, balanced or not', schema: conservationAnswer }] }, async () => {
  const report = await conservationReport(settlement().totals);
  if (!report.balanced) {
    logger.error('conservation report does not balance', { differences: report.differences.slice(0, 20), count: report.differences.length });
    metrics.addMetric('ConservationUnbalanced', 'Count', 1);
  }
  return json(200, { ...report, at: formatKst(systemClock.now()) });
});

const settlementQuery = z.object({ month: yearMonth, by: z.enum(['recipient', 'worker', 'day']), programCode: programCode.optional(), providerId: recordId.optional(), format: z.enum(['json', 'csv']).optional() }).strict();

const settlements = route({ roles: ['provider', 'agency'], query: settlementQuery, answers: [{ status: 200, description: 'the month by recipient, worker or day (`format=csv`: text/csv, UTF-8 with BOM, the manual\'s field names)' }] }, async ({ query, principal }) => {
  const providerId = providerScope(principal, query.providerId);
  const report = await monthlySettlement({ records: settlement().payouts, statements: settlement().statements }, { providerId, month: query.month, by: query.by, programCode: query.programCode });
  if (query.format !== 'csv') return json(200, report);
  return { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="settlement-${providerId}-${query.month}-${query.by}.csv"` }, body: monthlyCsv(report) };
});

const deposits = route({ roles: ['municipality', 'agency'], query: z.object({ programCode: programCode.optional(), municipalityCode: municipalityCode.optional() }).strict() }, async ({ query, principal }) => {
  const items = await depositStatements(settlement().deposits, { municipalityCode: municipalityFilter(principal, query.municipalityCode), programCode: query.programCode });
  return json(200, { items, nextToken: null });
});

const lapsed = route({ roles: ['municipality', 'agency'], query: z.object({ month: yearMonth, municipalityCode: municipalityCode.optional() }).strict(), answers: [{ status: 200, description: 'what lapsed of the month', schema: lapsedAnswer }] }, async ({ query, principal }) => {
  return json(200, await lapsedReport(voucherStore(), query.month, municipalityFilter(principal, query.municipalityCode), kstDate(systemClock.now())));
});

export { routes };
export const handler = dispatch(routes, { conservation, settlements, deposits, lapsed });
