/**
 * `session-expiry` schedule (TIME-03): every open time session past its program's maximum length
 * expires unpaid and frees its card and worker. The use case is domain/payments/sessions.ts; a run
 * twice, late or skipped changes nothing else (an end tag after expiry is refused by time anyway,
 * and a start takes over an expired lock).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { expireSessions } from '../../domain/payments/sessions';
import { systemClock } from '../shared/clock';
import { logger, metrics } from '../shared/observability';
import { scheduledJob } from '../shared/schedule';
import { sessionStore } from '../shared/stores';

export const handler = scheduledJob(async () => {
  const result = await expireSessions(sessionStore(), systemClock.now());
  metrics.addMetric('SessionsExpired', MetricUnit.Count, result.expired);
  if (result.expired) logger.info('time sessions expired unpaid', result);
  return result;
});
