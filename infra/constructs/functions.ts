/**
 * One Lambda per entry of infra/system.ts FUNCTIONS, with exactly the environment and grants its
 * spec asks for, and the event sources that feed it (its queues; the table stream for the relay).
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { dlqUrlVariable, queueUrlVariable } from '../../functions/shared/config';
import { NodeFunction } from '../node-function';
import { ALARM_NAME_PREFIX, FUNCTION_ROUTES, type FunctionName, FUNCTIONS, type QueueName, QUEUES, TABLE_STREAM_CONSUMER } from '../system';
import type { Queues } from './queues';
import type { Storage } from './storage';

export interface FunctionsProps {
  storage: Storage;
  queues: Queues;
  /** SCR-06: the validated rules, as JSON. */
  screeningRules: string;
  /** The CMS relay's file API and the agency's CMS account (cms.md). */
  cms?: { relayUrl: string; originator: string; debitBankBranch: string; debitAccount: string };
}

export class Functions extends Construct {
  readonly byName = {} as Record<FunctionName, NodeFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { storage, queues } = props;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const sends: readonly QueueName[] = 'sends' in spec ? spec.sends : [];
      const environment: Record<string, string> = {
        TABLE_NAME: storage.table.tableName,
        BUCKET_NAME: storage.files.bucketName,
        ...Object.fromEntries(sends.map((q) => [queueUrlVariable(q), queues.byName[q].queue.queueUrl])),
      };
      if ('personalData' in spec && spec.personalData) environment.PII_SECRET_ARN = storage.piiKeys.secretArn;
      if (name in FUNCTION_ROUTES) environment.CURSOR_SECRET_ARN = storage.listCursorKey.secretArn;
      if ('screeningRules' in spec && spec.screeningRules) environment.SCREENING_RULES = props.screeningRules;
      if ('cmsRelay' in spec && spec.cmsRelay && props.cms) {
        Object.assign(environment, {
          CMS_RELAY_URL: props.cms.relayUrl, CMS_RELAY_TOKEN_SECRET_ARN: storage.cmsRelayToken.secretArn,
          CMS_ORIGINATOR: props.cms.originator, CMS_DEBIT_BANK_BRANCH: props.cms.debitBankBranch, CMS_DEBIT_ACCOUNT: props.cms.debitAccount,
        });
      }
      const operates = 'operates' in spec && spec.operates;
      if (operates) {
        Object.assign(environment, {
          OPS_QUEUES: Object.keys(QUEUES).join(','),
          ALARM_NAME_PREFIX: ALARM_NAME_PREFIX(Stack.of(this).stackName),
          ...Object.fromEntries((Object.keys(QUEUES) as QueueName[]).flatMap((q) => [[queueUrlVariable(q), queues.byName[q].queue.queueUrl], [dlqUrlVariable(q), queues.byName[q].dlq.queueUrl]])),
        });
      }
      const fn = new NodeFunction(this, `Fn-${name}`, { name, spec, environment });
      if (operates) {
        // Depths of every queue, dead letters read and moved back, the alarms and queue ages read.
        for (const { queue, dlq } of Object.values(queues.byName)) {
          queue.grant(fn, 'sqs:GetQueueAttributes');
          queue.grantSendMessages(fn);
          dlq.grantConsumeMessages(fn);
        }
        fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${ALARM_NAME_PREFIX(Stack.of(this).stackName)}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })] }));
        fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
      }
      if (environment.CMS_RELAY_TOKEN_SECRET_ARN) storage.cmsRelayToken.grantRead(fn);
      // Only put (what a pre-signed upload is signed for) and get (the check after upload), only under its prefix.
      if ('files' in spec && spec.files) fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [storage.files.arnForObjects(spec.files)] }));
      storage.table.grantReadWriteData(fn);
      sends.forEach((q) => queues.byName[q].queue.grantSendMessages(fn));
      if (environment.PII_SECRET_ARN) storage.piiKeys.grantRead(fn);
      if (environment.CURSOR_SECRET_ARN) storage.listCursorKey.grantRead(fn);
      this.byName[name] = fn;
    }

    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      if (!spec.consumer) continue;
      this.byName[spec.consumer.function].addEventSource(
        new SqsEventSource(queues.byName[name].queue, { batchSize: spec.consumer.batchSize, maxConcurrency: spec.consumer.maxConcurrency, reportBatchItemFailures: true }),
      );
    }

    this.byName[TABLE_STREAM_CONSUMER.function].addEventSource(
      new DynamoEventSource(storage.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: TABLE_STREAM_CONSUMER.batchSize,
        retryAttempts: TABLE_STREAM_CONSUMER.retryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(queues.byName['payment-events-failed'].queue),
        filters: TABLE_STREAM_CONSUMER.filters.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );
  }
}
