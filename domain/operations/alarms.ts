/**
 * The alarms of the operations dashboard, evaluated from readings (locally; in AWS CloudWatch
 * evaluates them): a dead-letter queue holding messages, a queue whose oldest message is too old,
 * a counted event (a flagged CMS result, a missed cut-off…) in the last period.
 */
import type { AlarmState, QueueStatus } from './ports';

export type AlarmSpec =
  | { name: string; kind: 'dlq-depth'; queue: string; description: string }
  | { name: string; kind: 'queue-age'; queue: string; maxAgeSeconds: number; description: string }
  | { name: string; kind: 'metric'; metricName: string; service: string; periodMinutes: number; description: string };

export interface AlarmReadings {
  queues: readonly QueueStatus[];
  /** Sum of a metric of a service over the alarm's last period; null when nothing was recorded. */
  metricSum(metricName: string, service: string, periodMinutes: number): number | null;
}

export function evaluateAlarms(specs: readonly AlarmSpec[], readings: AlarmReadings): AlarmState[] {
  return specs.map((spec) => {
    const base = { name: spec.name, description: spec.description, since: null };
    if (spec.kind === 'metric') {
      const sum = readings.metricSum(spec.metricName, spec.service, spec.periodMinutes) ?? 0;
      return { ...base, state: sum > 0 ? 'ALARM' : 'OK', reason: `${spec.metricName} ${sum} in the last ${spec.periodMinutes} min (threshold: more than 0)` };
    }
    const q = readings.queues.find((x) => x.queue === spec.queue);
    if (!q) return { ...base, state: 'INSUFFICIENT_DATA', reason: `queue ${spec.queue} not found` };
    if (spec.kind === 'dlq-depth') return { ...base, state: q.deadLetters > 0 ? 'ALARM' : 'OK', reason: `${q.deadLetters} messages in the dead-letter queue of ${spec.queue} (threshold: more than 0)` };
    const age = q.oldestAgeSeconds ?? 0;
    return { ...base, state: age > spec.maxAgeSeconds ? 'ALARM' : 'OK', reason: `oldest message of ${spec.queue} is ${age} s old (threshold: ${spec.maxAgeSeconds} s)` };
  });
}
