/** The queues between steps, each with its dead-letter queue (infra/system.ts QUEUES; their alarms: observability.ts). */
import { Duration } from 'aws-cdk-lib';
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
    }
  }
}
