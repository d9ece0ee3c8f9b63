/**
 * Operations (api.md "Operations"; roles `ops` and `agency`; no personal data in any answer): the
 * queues with their depths, a dead-letter queue's messages masked, a redrive, the alarms. The use
 * cases are domain/operations/views.ts; the queues are SQS (functions/shared/ops).
 */
import * as z from 'zod';
import { alarmsAnswer, deadLettersAnswer, queuesAnswer, redriveAnswer } from '../../events/answers';
import { deadLetterView, redriveQueue, type OpsRefusal } from '../../domain/operations/views';
import { config, queueUrl } from '../shared/config';
import { refusalError } from '../shared/errors';
import { dispatch, json, route } from '../shared/http';
import { logger } from '../shared/observability';
import { CloudWatchAlarms, LocalAlarms, oldestMessageAge } from '../shared/ops/alarms';
import { SqsQueueOps } from '../shared/ops/queue-ops';
import { routes } from './routes';

const queueName = z.string().regex(/^[a-z][a-z-]{1,40}$/, 'must be a queue name');
const inAws = () => Boolean(config().ALARM_NAME_PREFIX);
const ops = () => new SqsQueueOps(inAws() ? (q) => oldestMessageAge(queueUrl(q).split('/').pop()!) : undefined);
const refused = (r: OpsRefusal) => refusalError(r, 404);

const queues = route({ roles: ['ops', 'agency'], answers: [{ status: 200, description: 'every queue', schema: queuesAnswer }] }, async () => json(200, { items: await ops().queues(), nextToken: null }));

const deadLetters = route({ roles: ['ops', 'agency'], query: z.object({ queue: queueName, limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(), answers: [{ status: 200, description: 'the messages, left in the queue', schema: deadLettersAnswer }] }, async ({ query }) => {
  const view = await deadLetterView(ops(), query.queue, query.limit);
  if (!view.ok) throw refused(view.refusal);
  return json(200, { queue: view.queue, items: view.items, nextToken: null });
});

const redrive = route({ roles: ['ops', 'agency'], path: z.object({ queue: queueName }).strict(), answers: [{ status: 200, description: 'how many moved', schema: redriveAnswer }] }, async ({ path, principal }) => {
  const done = await redriveQueue(ops(), path.queue ?? '');
  if (!done.ok) throw refused(done.refusal);
  logger.info('dead letters redriven', { queue: done.queue, moved: done.moved, sub: principal.sub });
  return json(200, { queue: done.queue, moved: done.moved });
});

const alarms = route({ roles: ['ops', 'agency'], answers: [{ status: 200, description: 'the alarms with their state', schema: alarmsAnswer }] }, async () => {
  const { ALARM_NAME_PREFIX, LOCAL_ALARMS_URL } = config();
  const port = ALARM_NAME_PREFIX ? new CloudWatchAlarms(ALARM_NAME_PREFIX) : LOCAL_ALARMS_URL ? new LocalAlarms(LOCAL_ALARMS_URL) : null;
  if (!port) throw new Error('neither ALARM_NAME_PREFIX nor LOCAL_ALARMS_URL is set');
  return json(200, { items: await port.alarms(), nextToken: null });
});

export { routes };
export const handler = dispatch(routes, { queues, deadLetters, redrive, alarms });
