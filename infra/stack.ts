/**
 * The voucher platform in one stack: the table, the HTTP API with its JWT authorizer, the
 * functions, the queues with their dead-letter queues, the schedules, the file bucket, and the
 * alarms and dashboard operators watch. Everything is derived from `infra/system.ts`.
 */
import { CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AccountRecovery, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { TimeZone } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { DEFAULT_SCREENING_RULES, SCREENING_RULE_IDS, type ScreeningRules } from '../domain/screening/rules';
import { loadScreeningRules } from '../events/screening';
import { queueUrlVariable } from '../functions/shared/config';
import { NodeFunction } from './node-function';
import { type FunctionName, FUNCTIONS, type QueueName, QUEUES, ROUTES, SCHEDULES, TABLE, TABLE_STREAM_CONSUMER } from './system';

export interface VoucherPlatformProps extends StackProps {
  /** An external OIDC issuer (the agency's identity provider); without it a Cognito user pool is created. */
  jwtIssuer?: string;
  jwtAudience?: string[];
  /** SCR-06: the screening rules in force (validated at synth); the defaults of domain/screening.ts if unset. */
  screeningRules?: ScreeningRules;
  /** The CMS relay's HTTPS file API and the agency's CMS originator and debit account (cms.md). */
  cms?: { relayUrl: string; originator: string; debitBankBranch: string; debitAccount: string };
}

export class VoucherPlatformStack extends Stack {
  readonly table: TableV2;
  readonly functions = {} as Record<FunctionName, NodeFunction>;
  readonly queues = {} as Record<QueueName, { queue: Queue; dlq: Queue }>;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: VoucherPlatformProps = {}) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: TABLE.indexes.map((i) => ({
        indexName: i.name,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
      })),
      timeToLiveAttribute: TABLE.ttlAttribute,
      // The payments' outbox: the relay reads approvals and cancellations from here.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // REG-07: the seed of the RRN encryption and look-up keys; never in code or environment.
    const piiKeys = new Secret(this, 'PersonalDataKeys', {
      description: 'Seed of the keys that seal RRNs and hash them for look-up (REG-07)',
      generateSecretString: { secretStringTemplate: JSON.stringify({ version: 'k1' }), generateStringKey: 'seed', passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const files = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'files/',
      // Providers upload hold evidence straight from the browser with a pre-signed PUT.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type'], maxAge: 3000 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The CMS relay's bearer token: issued by the relay, put here by operators, read by transmit and receive.
    const cmsRelayToken = new Secret(this, 'CmsRelayToken', { description: 'Bearer token of the CMS relay file API (cms.md); set by operators from the relay contract', removalPolicy: RemovalPolicy.RETAIN });
    const screeningRules = JSON.stringify(loadScreeningRules(JSON.stringify(props.screeningRules ?? DEFAULT_SCREENING_RULES)));

    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const dlq = new Queue(this, `Queue-${name}-dlq`, { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
      const queue = new Queue(this, `Queue-${name}`, {
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      this.queues[name] = { queue, dlq };
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

    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const sends: readonly QueueName[] = 'sends' in spec ? spec.sends : [];
      const environment: Record<string, string> = {
        TABLE_NAME: this.table.tableName,
        BUCKET_NAME: files.bucketName,
        ...Object.fromEntries(sends.map((q) => [queueUrlVariable(q), this.queues[q].queue.queueUrl])),
      };
      if ('personalData' in spec && spec.personalData) environment.PII_SECRET_ARN = piiKeys.secretArn;
      if ('screeningRules' in spec && spec.screeningRules) environment.SCREENING_RULES = screeningRules;
      if ('cmsRelay' in spec && spec.cmsRelay && props.cms) {
        Object.assign(environment, {
          CMS_RELAY_URL: props.cms.relayUrl, CMS_RELAY_TOKEN_SECRET_ARN: cmsRelayToken.secretArn,
          CMS_ORIGINATOR: props.cms.originator, CMS_DEBIT_BANK_BRANCH: props.cms.debitBankBranch, CMS_DEBIT_ACCOUNT: props.cms.debitAccount,
        });
      }
      const fn = new NodeFunction(this, `Fn-${name}`, { name, spec, environment });
      // Only put (what a pre-signed upload is signed for) and get (the check after upload), only under its prefix.
      if (environment.CMS_RELAY_TOKEN_SECRET_ARN) cmsRelayToken.grantRead(fn);
      if ('files' in spec && spec.files) fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [files.arnForObjects(spec.files)] }));
      this.table.grantReadWriteData(fn);
      sends.forEach((q) => this.queues[q].queue.grantSendMessages(fn));
      if (environment.PII_SECRET_ARN) piiKeys.grantRead(fn);
      this.functions[name] = fn;
    }

    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      if (!spec.consumer) continue;
      this.functions[spec.consumer.function].addEventSource(
        new SqsEventSource(this.queues[name].queue, {
          batchSize: spec.consumer.batchSize,
          maxConcurrency: spec.consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }

    this.functions[TABLE_STREAM_CONSUMER.function].addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: TABLE_STREAM_CONSUMER.batchSize,
        retryAttempts: TABLE_STREAM_CONSUMER.retryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.queues['payment-events-failed'].queue),
        filters: [FilterCriteria.filter({ dynamodb: { NewImage: { type: { S: FilterRule.isEqual('Payment') } } } })],
      }),
    );

    // People authenticate with JWTs (role, providerId, municipalityCode claims).
    let issuer = props.jwtIssuer;
    let audience = props.jwtAudience;
    if (!issuer) {
      const pool = new UserPool(this, 'People', {
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        mfa: Mfa.REQUIRED,
        mfaSecondFactor: { sms: false, otp: true },
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        featurePlan: FeaturePlan.PLUS,
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        customAttributes: {},
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const client = pool.addClient('Staff', { generateSecret: false });
      issuer = `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`;
      audience = [client.userPoolClientId];
    }
    const authorizer = new HttpJwtAuthorizer('People', issuer, { jwtAudience: audience ?? [] });

    this.api = new HttpApi(this, 'Api', { description: 'Voucher platform API (api.md)', createDefaultStage: true });
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR });
    (this.api.defaultStage!.node.defaultChild as CfnStage).accessLogSettings = {
      destinationArn: apiLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId', ip: '$context.identity.sourceIp', routeKey: '$context.routeKey', status: '$context.status',
        latency: '$context.responseLatency', integrationError: '$context.integrationErrorMessage', sub: '$context.authorizer.claims.sub',
      }),
    };
    for (const route of ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: new HttpLambdaIntegration(`${route.function}-${route.method}-${route.path}`, this.functions[route.function]),
        ...(route.auth === 'jwt' ? { authorizer } : {}),
      });
    }

    for (const [name, spec] of Object.entries(SCHEDULES)) {
      new Schedule(this, `Schedule-${name}`, {
        description: spec.description,
        schedule: ScheduleExpression.cron({ ...spec.cron, ...(spec.cron.weekDay ? { day: undefined } : {}), timeZone: TimeZone.ASIA_SEOUL }),
        target: new LambdaInvoke(this.functions[spec.function], {
          input: ScheduleTargetInput.fromObject({ version: 1, schedule: name, scheduledTime: ContextAttribute.scheduledTime }),
          retryAttempts: 3,
          maxEventAge: Duration.hours(6),
        }),
      });
    }

    // CMS-03/04: operators are alerted to a result that does not match, refused transfers and failed sends.
    for (const [metricName, service, description] of [
      ['CmsResultsFlagged', 'cms-receive', 'A CMS result file does not match what was sent: nothing was applied; an operator must look at it'],
      ['CmsTransfersFailed', 'cms-receive', 'Banks refused transfers (closed account, holder mismatch …): the amounts wait for corrected accounts'],
      ['CmsTransmitFailures', 'cms-transmit', 'A CMS file could not be transmitted; it is retried until the cut-off'],
    ] as const) {
      new Alarm(this, `Alarm-${metricName}`, {
        alarmDescription: description,
        metric: new Metric({ namespace: 'VoucherPlatform', metricName, dimensionsMap: { service }, statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    new Dashboard(this, 'Operations', {
      dashboardName: `${id}-operations`,
      widgets: [
        [
          new GraphWidget({ title: 'API requests and errors', left: [this.api.metricCount(), this.api.metricClientError(), this.api.metricServerError()] }),
          new GraphWidget({ title: 'API latency', left: [this.api.metricLatency({ statistic: 'p99' }), this.api.metricLatency({ statistic: 'p50' })] }),
        ],
        [
          new GraphWidget({ title: 'Dead-letter queues', left: Object.values(this.queues).map(({ dlq }) => dlq.metricApproximateNumberOfMessagesVisible()) }),
          new GraphWidget({ title: 'Oldest message age (s)', left: Object.values(this.queues).map(({ queue }) => queue.metricApproximateAgeOfOldestMessage()) }),
        ],
        [new GraphWidget({ title: 'Function errors', left: Object.values(this.functions).map((fn) => fn.metricErrors()) })],
        [
          new GraphWidget({
            title: 'Screening: payments screened (left) and holds raised (right) per rule',
            left: SCREENING_RULE_IDS.map((ruleId) => new Metric({ namespace: 'VoucherPlatform', metricName: 'PaymentsScreened', dimensionsMap: { service: 'fraud-screening', ruleId }, statistic: 'Sum', label: `${ruleId} screened` })),
            right: SCREENING_RULE_IDS.map((ruleId) => new Metric({ namespace: 'VoucherPlatform', metricName: 'HoldsRaised', dimensionsMap: { service: 'fraud-screening', ruleId }, statistic: 'Sum', label: `${ruleId} held` })),
          }),
          new GraphWidget({
            title: 'Screening latency, approval to screened (ms)',
            left: [new Metric({ namespace: 'VoucherPlatform', metricName: 'ScreeningLatency', dimensionsMap: { service: 'fraud-screening' }, statistic: 'p99' })],
          }),
        ],
      ],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });

    this.suppressReviewedFindings(accessLogs, piiKeys, files);
    Validations.of(cmsRelayToken).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'The relay issues and rotates its own token under the relay contract; operators replace the value here when it does (no Lambda rotation can ask the relay for a new one).',
    });
  }

  /** cdk-nag (AwsSolutions) findings that were reviewed and accepted, each with its reason. */
  private suppressReviewedFindings(accessLogs: Bucket, piiKeys: Secret, files: Bucket): void {
    const nag = (id: string) => `AwsSolutions::AwsSolutions-${id}`;
    const ref = (construct: Construct) => this.getLogicalId(construct.node.defaultChild as CfnElement);
    const stack = Validations.of(this);
    stack.acknowledge({
      id: nag('IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'),
      reason: 'AWSLambdaBasicExecutionRole only lets a function write its own logs; it is AWS-maintained and least-privilege.',
    });
    stack.acknowledge({
      id: nag('L1'),
      reason: 'Node.js 22 (supported until April 2027) is the runtime this code is built and tested for (esbuild target node22); moving to 24 is a deliberate upgrade with its own test run.',
    });
    stack.acknowledge({
      id: nag('APIG4'),
      reason: 'Terminal routes (/v1/terminal/*) carry no JWT: every request is signed with the terminal\'s own secret (HMAC-SHA256 over method, path, timestamp and body) and verified in the function, as api.md fixes for terminal vendors.',
    });
    stack.acknowledge({ id: nag('IAM5[Resource::*]'), reason: 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource but *.' });
    stack.acknowledge({
      id: nag(`IAM5[Resource::<${ref(this.table)}.Arn>/index/*]`),
      reason: 'Functions query the table\'s own GSIs (GSI1, GSI2); the grant covers exactly this table\'s indexes.',
    });
    for (const spec of Object.values(FUNCTIONS)) {
      if (!('files' in spec) || !spec.files) continue;
      stack.acknowledge({
        id: nag(`IAM5[Resource::<${ref(files)}.Arn>/${spec.files}]`),
        reason: `Evidence documents are keyed per upload under ${spec.files}; the function may put and get objects under that prefix only.`,
      });
    }
    for (const [name, spec] of Object.entries(SCHEDULES)) {
      stack.acknowledge({
        id: nag(`IAM5[Resource::<${ref(this.functions[spec.function])}.Arn>:*]`),
        reason: `The ${name} schedule may invoke any version or alias of its one target function.`,
      });
    }
    Validations.of(accessLogs).acknowledge({ id: nag('S1'), reason: 'This is the access-log bucket itself; logging it into itself would loop.' });
    Validations.of(piiKeys).acknowledge({
      id: nag('SMG4'),
      reason: 'The seed derives the RRN encryption key; rotating it needs re-encryption of every sealed RRN, done as a planned key-version migration (vault version k1 → k2), not by automatic rotation.',
    });
  }
}
