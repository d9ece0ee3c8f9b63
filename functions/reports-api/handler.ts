/** `GET /v1/reports/conservation` (agency, ops): PO-08 checked on the maintained totals. */
import { formatKst } from '../../domain/shared/calendar';
import { conservationReport } from '../../domain/settlement/totals';
import { systemClock } from '../shared/clock';
import { dispatch, json, route } from '../shared/http';
import { logger } from '../shared/observability';
import { settlementStore } from '../shared/stores';
import { routes } from './routes';

const conservation = route({ roles: ['agency', 'ops'] }, async () => {
  const report = await conservationReport(settlementStore().totals);
  if (!report.balanced) logger.error('conservation report does not balance', { differences: report.differences.slice(0, 20), count: report.differences.length });
  return json(200, { ...report, at: formatKst(systemClock.now()) });
});

export { routes };
export const handler = dispatch(routes, { conservation });
