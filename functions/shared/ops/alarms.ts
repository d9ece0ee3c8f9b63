/**
 * The dashboard's alarms with their state: in AWS from CloudWatch (the stack's alarms, named
 * `<stack>-<name>`), locally from the local stack, which evaluates the same list (infra/system.ts
 * ALARMS) from the queues and the EMF metrics the handlers write. Also the age of a queue's oldest
 * message, which only CloudWatch measures.
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmPort, AlarmState, AlarmStateValue } from '../../../domain/operations/ports';
import { config } from '../config';

let client: CloudWatchClient | undefined;
const cloudWatch = () => (client ??= new CloudWatchClient({ region: config().AWS_REGION }));

export class CloudWatchAlarms implements AlarmPort {
  constructor(private readonly prefix: string) {}

  async alarms(): Promise<AlarmState[]> {
    const found: AlarmState[] = [];
    for (let nextToken: string | undefined, first = true; first || nextToken; first = false) {
      const out = await cloudWatch().send(new DescribeAlarmsCommand({ AlarmNamePrefix: this.prefix, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const a of out.MetricAlarms ?? []) {
        found.push({ name: a.AlarmName!.slice(this.prefix.length), description: a.AlarmDescription ?? '', state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue, reason: a.StateReason ?? '', since: a.StateUpdatedTimestamp?.toISOString() ?? null });
      }
      nextToken = out.NextToken;
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** The local stack's evaluation of the same alarms (`GET <LOCAL_ALARMS_URL>`). */
export class LocalAlarms implements AlarmPort {
  constructor(private readonly url: string) {}

  async alarms(): Promise<AlarmState[]> {
    const res = await fetch(this.url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`local alarms answered ${res.status}`);
    return ((await res.json()) as { items: AlarmState[] }).items;
  }
}

/** CloudWatch's `ApproximateAgeOfOldestMessage` of an SQS queue over the last five minutes, in seconds. */
export async function oldestMessageAge(queueName: string): Promise<number | null> {
  const now = Date.now();
  const out = await cloudWatch().send(new GetMetricDataCommand({
    StartTime: new Date(now - 5 * 60_000),
    EndTime: new Date(now),
    MetricDataQueries: [{ Id: 'age', MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: queueName }] }, Period: 60, Stat: 'Maximum' } }],
  }));
  return out.MetricDataResults?.[0]?.Values?.[0] ?? null;
}
