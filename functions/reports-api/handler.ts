/** `GET /v1/reports/conservation` (agency, ops): PO-08 recomputed from the stored facts. */
import { conservationReport } from '../../domain/settlement/conservation';
import { formatKst } from '../../domain/shared/calendar';
import { systemClock } from '../shared/clock';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoSettlementStore } from '../shared/dynamo/settlement-store';
import { dispatch, json, route } from '../shared/http';
import { logger } from '../shared/observability';
import { routes } from './routes';

let store: DynamoSettlementStore | undefined;

const conservation = route({ roles: ['agency', 'ops'] }, async () => {
  store ??= new DynamoSettlementStore(dynamoTable(), () => Math.floor(systemClock.now().getTime() / 1000));
  const report = conservationReport(await store.conservationFacts());
  if (!report.balanced) logger.error('conservation report does not balance', { differences: report.differences.slice(0, 20), count: report.differences.length });
  return json(200, { ...report, at: formatKst(systemClock.now()) });
});

export { routes };
export const handler = dispatch(routes, { conservation });
