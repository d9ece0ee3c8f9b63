/** CDK assertion tests: `cdk synth` runs offline here, and cdk-nag (AwsSolutions) must pass. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCREENING_RULES } from '../../domain/screening/rules';
import { buildApp } from '../../infra/app';
import { VoucherPlatformStack } from '../../infra/stack';
import { ALARMS, DASHBOARD_PANELS, FUNCTIONS, QUEUES, ROUTES, TABLE_STREAM_CONSUMER } from '../../infra/system';

let template: Template;
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'cdk-'));
  const { app, stack } = buildApp(new App({ outdir }));
  template = Template.fromStack(stack);
  app.synth(); // runs the validation plugins (cdk-nag): throws on an unacknowledged finding
}, 120_000);

describe('CDK app', () => {
  it('one table keyed PK/SK with GSI1 and GSI2, point-in-time recovery, encryption, TTL and deletion protection', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'GSI1', KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }, { AttributeName: 'GSI1SK', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'GSI2', KeySchema: [{ AttributeName: 'GSI2PK', KeyType: 'HASH' }, { AttributeName: 'GSI2SK', KeyType: 'RANGE' }] }),
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
  });

  it('every queue has its own dead-letter queue, with its visibility timeout, maxReceiveCount and encryption', () => {
    const queues = template.findResources('AWS::SQS::Queue') as Record<string, { Properties: Record<string, any> }>;
    for (const [name, spec] of Object.entries(QUEUES)) {
      const id = (suffix: string) => Object.keys(queues).find((k) => new RegExp(`^QueuesQueue${name.replace(/-/g, '')}${suffix}[0-9A-F]{8}$`).test(k));
      const queueId = id('');
      const dlqId = id('dlq');
      expect(queueId, name).toBeDefined();
      expect(dlqId, `${name} dlq`).toBeDefined();
      expect(queues[queueId!]!.Properties).toMatchObject({
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
        SqsManagedSseEnabled: true,
      });
      expect(queues[dlqId!]!.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    }
    template.resourceCountIs('AWS::SQS::Queue', Object.keys(QUEUES).length * 2);
    const ageAlarms = Object.values(QUEUES).filter((q) => q.maxAgeSeconds).length;
    const metricAlarms = 5; // CMS results flagged, transfers failed, transmit failures, cut-off missed (CMS-03/04/05); conservation (PO-08)
    template.resourceCountIs('AWS::CloudWatch::Alarm', Object.keys(QUEUES).length + ageAlarms + metricAlarms);
    expect(ALARMS).toHaveLength(Object.keys(QUEUES).length + ageAlarms + metricAlarms);
  });

  it('issue 16 §3: the dashboard shows at a glance payments approved and refused by code, intake latency, screening lag, holds, queues and dead letters, payout runs, CMS files, conservation and the alarms', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]);
    for (const metric of ['PaymentSucceeded', 'PaymentRefused', 'PaymentLatency', 'ScreeningLatency', 'HoldsRaised', 'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'PayoutsMade', 'PayoutsDelayed', 'CmsFilesTransmitted', 'CmsCutoffMissed', 'ConservationUnbalanced', 'p99', 'alarm']) expect(body, metric).toContain(metric);
  });

  it('issue 16 §4: the dashboard draws every graph of the one list the local ops console draws, refusal codes searched for', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    for (const panel of DASHBOARD_PANELS) {
      expect(body, panel.id).toContain(JSON.stringify(panel.title).slice(1, -1));
      for (const series of panel.series) expect(body, `${panel.id} ${series.metric}`).toContain(series.metric);
    }
    expect(body).toMatch(/SEARCH\('\{VoucherPlatform,code,service\} MetricName=[^']*PaymentRefused/);
  });

  it('issue 16 §3: every alarm of the one list is named <stack>-<name> and notifies the stack\'s SNS topic; the ops function operates every queue', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmName: string; AlarmActions: unknown[] } }[];
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual(ALARMS.map((a) => `VoucherPlatform-${a.name}`).sort());
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    const ops = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { OPS_QUEUES: Match.anyValue() } } } })) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(ops).toHaveLength(1);
    const vars = ops[0]!.Properties.Environment.Variables;
    expect(vars.OPS_QUEUES).toBe(Object.keys(QUEUES).join(','));
    expect(vars.ALARM_NAME_PREFIX).toBe('VoucherPlatform-');
    for (const q of Object.keys(QUEUES)) expect(Object.keys(vars)).toEqual(expect.arrayContaining([`QUEUE_URL_${q.toUpperCase().replace(/-/g, '_')}`, `DLQ_URL_${q.toUpperCase().replace(/-/g, '_')}`]));
  });

  it('what keeps state keeps its logical id: a refactor of the constructs must never replace the table, the buckets, the secrets, the user pool or a queue', () => {
    const ids = Object.keys(template.toJSON().Resources as object);
    for (const id of [
      'StorageTableB43FDCE7', 'StoragePersonalDataKeys6D83C76C', 'StorageAccessLogs96FB524C', 'StorageFiles48C02C92', 'StorageCmsRelayTokenB56D728A', 'HttpPeople0670B90A',
      'QueuesQueuescreening5DFB0395', 'QueuesQueuescreeningdlqA769DEB6', 'QueuesQueuesettlement1EE9D493', 'QueuesQueuepayoutsB4104A31', 'QueuesQueuecmsoutbound09E485E5',
    ]) expect(ids, id).toContain(id);
  });

  it('list cursors: every function behind a route reads the one cursor-signing secret, and no other function knows it', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret', { Properties: { Description: Match.stringLikeRegexp('list cursors') } });
    const [secretId] = Object.keys(secrets);
    expect(secretId).toBeDefined();
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { CURSOR_SECRET_ARN: { Ref: secretId } } } } });
    expect(Object.keys(fns).length).toBe(new Set(ROUTES.map((r) => r.function)).size);
    const all = template.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
    const knowing = Object.values(all).filter((f) => f.Properties.Environment?.Variables?.CURSOR_SECRET_ARN);
    expect(knowing).toHaveLength(Object.keys(fns).length);
  });

  it('screening: its consumer reports partial failures, its queue alarms on age, the rules reach the function (SCR-06)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: QUEUES.screening.maxAgeSeconds, ComparisonOperator: 'GreaterThanThreshold' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 20 } });
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { SCREENING_RULES: Match.anyValue() } } } });
    const [fn] = Object.values(fns) as { Properties: { Environment: { Variables: { SCREENING_RULES: string } } } }[];
    expect(JSON.parse(fn!.Properties.Environment.Variables.SCREENING_RULES)['SCR-01']).toMatchObject({ version: 1, gapMinutes: 10 });
    expect(() => new VoucherPlatformStack(new App(), 'Bad', { screeningRules: { ...DEFAULT_SCREENING_RULES, 'SCR-01': { ...DEFAULT_SCREENING_RULES['SCR-01'], gapMinutes: -1 } } })).toThrow(/SCR-06/);
  });

  it('CMS: transmit and receive know the relay and the agency account; operators are alerted to flagged results and refused transfers', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { CMS_RELAY_URL: Match.anyValue(), CMS_RELAY_TOKEN_SECRET_ARN: Match.anyValue() } } } });
    expect(Object.keys(fns)).toHaveLength(2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Description: Match.stringLikeRegexp('CMS relay') });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CmsResultsFlagged', Threshold: 0 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CmsTransfersFailed', Threshold: 0 });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(*/5 * * * ? *)', ScheduleExpressionTimezone: 'Asia/Seoul' });
  });

  it('evidence uploads: the holds function may only put and get objects under holds/', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['s3:PutObject', 's3:GetObject'], Resource: { 'Fn::Join': ['', [Match.anyValue(), '/holds/*']] } })]) },
    });
  });

  it('the voucher-generation schedule fires at 00:10 on the 1st in Asia/Seoul with the scheduled time', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(10 0 1 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Seoul',
      Target: Match.objectLike({ Input: JSON.stringify({ version: 1, schedule: 'voucher-generation', scheduledTime: '<aws.scheduler.scheduled-time>' }) }),
    });
  });

  it('functions are Node.js 22, ESM bundles with the SDK inside, one per entry of infra/system.ts', () => {
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler', Architectures: ['arm64'] }, Object.keys(FUNCTIONS).length);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('the table stream is the payments\' outbox: relayed with partial failures, retries and a failure queue', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: TABLE_STREAM_CONSUMER.filters.map((f) => ({ Pattern: JSON.stringify(f) })) },
    });
  });

  it('PO-08: the stream\'s filter passes every money item\'s change (it passed payments only: in AWS the totals never saw a voucher, refund, claim, bucket or payout)', () => {
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { StartingPosition: 'TRIM_HORIZON' } })) as { Properties: { FilterCriteria: { Filters: { Pattern: string }[] } } }[];
    const patterns = mapping!.Properties.FilterCriteria.Filters.map((f) => JSON.parse(f.Pattern));
    for (const type of ['Voucher', 'Payment', 'Refund', 'Claim', 'LedgerBucket', 'Payout']) {
      expect(patterns.some((p) => p.dynamodb?.NewImage?.type?.S?.includes(type)), type).toBe(true);
      expect(patterns.some((p) => p.eventName?.includes('REMOVE') && p.dynamodb?.OldImage?.type?.S?.includes(type)), type).toBe(true);
    }
    expect(patterns.some((p) => JSON.stringify(p).includes('ScreeningIndex') || JSON.stringify(p).includes('"Hold"'))).toBe(false);
  });

  it('people\'s routes use the JWT authorizer; terminal routes are signed instead', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}`, AuthorizationType: route.auth === 'jwt' ? 'JWT' : 'NONE' });
    }
  });

  it('cdk-nag AwsSolutions finds nothing that is not acknowledged with a reason', () => {
    type Report = { pluginReports: { pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: { reason: string }[] }[] };
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
    expect(nag).toHaveLength(1);
    expect(nag[0]!.violations).toEqual([]);
    expect(nag[0]!.conclusion).toBe('success');
    expect(nag[0]!.suppressedViolations.every((v) => v.reason.length > 30)).toBe(true);
  });
});
