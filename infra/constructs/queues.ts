/** The queues between steps, each with its dead-letter queue and the alarms on them (infra/system.ts QUEUES). */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type QueueName, QUEUES } from '../system';

export class Queues extends Construct {
  readonly byName = {} as Record<QueueName, { queue: Queue; dlq: Queue }>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const dlq = new Queue(this, `Queue-${name}-dlq`, { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
      const queue = new Queue(this, `Queue-${name}`, {
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      this.byName[name] = { queue, dlq };
      new Alarm(this, `Alarm-${name}-dlq-depth`, {
        alarmDescription: `Messages in the ${name} dead-letter queue: a step failed ${spec.maxReceiveCount} times and needs an operator`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (spec.maxAgeSeconds) {
        new Alarm(this, `Alarm-${name}-age`, {
          alarmDescription: `The oldest message in ${name} is older than ${spec.maxAgeSeconds} s: its consumer is falling behind`,
          metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: spec.maxAgeSeconds,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
      }
    }
  }
}
