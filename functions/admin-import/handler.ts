/** `POST /v1/admin/import` (agency): bulk registry load, idempotent per record id. */
import { importRegistry } from '../../domain/registry/import';
import { formatKst, kstDate } from '../../domain/shared/calendar';
import { importEnvelope, parseImportRecords } from '../../events/import';
import { systemClock } from '../shared/clock';
import { dispatch, json, route } from '../shared/http';
import { flushMetrics, logger, metrics } from '../shared/observability';
import { registryStore } from '../shared/stores';
import { routes } from './routes';

const load = route({ roles: ['agency'], body: importEnvelope }, async ({ body, principal }) => {
  const { parsed, issues } = parseImportRecords(body);
  const now = systemClock.now();
  // REG-08: each record the import creates or changes is in its history, under the importing user.
  const report = await importRegistry(parsed, await registryStore(), kstDate(now), issues, { actor: { sub: principal.sub, role: principal.role }, at: formatKst(now) });
  logger.info('registry import', { accepted: report.accepted, rejected: report.rejected.length, created: report.created, updated: report.updated, unchanged: report.unchanged });
  metrics.addMetric('ImportRecordsAccepted', 'Count', report.accepted);
  metrics.addMetric('ImportRecordsRejected', 'Count', report.rejected.length);
  flushMetrics();
  return json(200, report);
});

export { routes };
export const handler = dispatch(routes, { load });
