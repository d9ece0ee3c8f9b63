/**
 * The voucher platform in one stack, composed of small constructs (infra/constructs/): storage,
 * queues, functions, the API, schedules and observability. Everything is derived from
 * `infra/system.ts`.
 */
import { CfnElement, CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_SCREENING_RULES, type ScreeningRules } from '../domain/screening/rules';
import { loadScreeningRules } from '../events/screening';
import { Api } from './constructs/api';
import { Functions } from './constructs/functions';
import { Observability } from './constructs/observability';
import { Queues } from './constructs/queues';
import { Schedules } from './constructs/schedules';
import { Storage } from './constructs/storage';
import { ALARM_NAME_PREFIX, FUNCTIONS, SCHEDULES } from './system';

export interface VoucherPlatformProps extends StackProps {
  /** An external OIDC issuer (the agency's identity provider); without it a Cognito user pool is created. */
  jwtIssuer?: string;
  jwtAudience?: string[];
  /** SCR-06: the screening rules in force (validated at synth); the defaults of domain/screening/rules.ts if unset. */
  screeningRules?: ScreeningRules;
  /** The CMS relay's HTTPS file API and the agency's CMS originator and debit account (cms.md). */
  cms?: { relayUrl: string; originator: string; debitBankBranch: string; debitAccount: string };
}

export class VoucherPlatformStack extends Stack {
  readonly storage: Storage;
  readonly queues: Queues;
  readonly functions: Functions;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: VoucherPlatformProps = {}) {
    super(scope, id, props);
    const screeningRules = JSON.stringify(loadScreeningRules(JSON.stringify(props.screeningRules ?? DEFAULT_SCREENING_RULES)));
    this.storage = new Storage(this, 'Storage');
    this.queues = new Queues(this, 'Queues');
    this.functions = new Functions(this, 'Functions', { storage: this.storage, queues: this.queues, screeningRules, ...(props.cms ? { cms: props.cms } : {}) });
    this.api = new Api(this, 'Http', { functions: this.functions, ...(props.jwtIssuer ? { jwtIssuer: props.jwtIssuer } : {}), ...(props.jwtAudience ? { jwtAudience: props.jwtAudience } : {}) });
    new Schedules(this, 'Schedules', { functions: this.functions });
    new Observability(this, 'Observability', { dashboardName: `${id}-operations`, api: this.api.httpApi, queues: this.queues, functions: this.functions });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    this.suppressReviewedFindings();
  }

  /** cdk-nag (AwsSolutions) findings that were reviewed and accepted, each with its reason. */
  private suppressReviewedFindings(): void {
    const { accessLogs, piiKeys, files, table, cmsRelayToken, listCursorKey } = this.storage;
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
    stack.acknowledge({ id: nag('IAM5[Resource::*]'), reason: 'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch GetMetricData (the ops function reads queue ages) accept no resource but *.' });
    stack.acknowledge({
      id: nag(`IAM5[Resource::arn:<AWS::Partition>:cloudwatch:${this.region}:<AWS::AccountId>:alarm:${ALARM_NAME_PREFIX(this.stackName)}*]`),
      reason: 'The ops function describes this stack\'s own alarms, which all carry its name as their prefix.',
    });
    stack.acknowledge({
      id: nag(`IAM5[Resource::<${ref(table)}.Arn>/index/*]`),
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
        id: nag(`IAM5[Resource::<${ref(this.functions.byName[spec.function])}.Arn>:*]`),
        reason: `The ${name} schedule may invoke any version or alias of its one target function.`,
      });
    }
    Validations.of(accessLogs).acknowledge({ id: nag('S1'), reason: 'This is the access-log bucket itself; logging it into itself would loop.' });
    Validations.of(cmsRelayToken).acknowledge({
      id: nag('SMG4'),
      reason: 'The relay issues and rotates its own token under the relay contract; operators replace the value here when it does (no Lambda rotation can ask the relay for a new one).',
    });
    Validations.of(listCursorKey).acknowledge({
      id: nag('SMG4'),
      reason: 'The seed only signs list cursors that live for one reading of a list; operators rotate it by hand when they wish (outstanding nextTokens then answer 400 INVALID_CURSOR and the reader starts the list again); no rotation Lambda is worth its code.',
    });
    Validations.of(piiKeys).acknowledge({
      id: nag('SMG4'),
      reason: 'The seed derives the RRN encryption key; rotating it needs re-encryption of every sealed RRN, done as a planned key-version migration (vault version k1 → k2), not by automatic rotation.',
    });
  }
}
