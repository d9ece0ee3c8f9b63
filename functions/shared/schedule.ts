/**
 * The shell of a scheduled job (EventBridge Scheduler; locally the stack's scheduler): logger
 * context, the schedule's event checked, and metrics flushed whatever the run did.
 */
import type { Context } from 'aws-lambda';
import { type ScheduledJobEvent, scheduledJobEvent } from '../../events/schedule';
import { flushMetrics, logger } from './observability';

export function scheduledJob<T>(run: (job: ScheduledJobEvent) => Promise<T>) {
  return async (event: unknown, context?: Context): Promise<T> => {
    if (context) logger.addContext(context);
    const job = scheduledJobEvent.parse(event);
    try {
      return await run(job);
    } finally {
      flushMetrics();
    }
  };
}
