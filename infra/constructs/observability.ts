/** What operators watch: the alarms (one list, infra/system.ts ALARMS) with their SNS topic, and the operations dashboard. */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, type AlarmProps, AlarmStatusWidget, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, SingleValueWidget, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { AlarmSpec } from '../../domain/operations/alarms';
import { ALARM_NAME_PREFIX, ALARMS } from '../system';
import { Construct } from 'constructs';
import { SCREENING_RULE_IDS } from '../../domain/screening/rules';
import type { Functions } from './functions';
import type { Queues } from './queues';

const NAMESPACE = 'VoucherPlatform';

/** What CloudWatch evaluates for an alarm of the list. */
function alarmOf(spec: AlarmSpec, queues: Queues): Pick<AlarmProps, 'metric' | 'threshold' | 'comparisonOperator' | 'evaluationPeriods' | 'treatMissingData'> {
  const common = { comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, treatMissingData: TreatMissingData.NOT_BREACHING };
  switch (spec.kind) {
    case 'dlq-depth':
      return { ...common, metric: queues.byName[spec.queue as keyof Queues['byName']].dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }), threshold: 0, evaluationPeriods: 1 };
    case 'queue-age':
      return { ...common, metric: queues.byName[spec.queue as keyof Queues['byName']].queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }), threshold: spec.maxAgeSeconds, evaluationPeriods: 3 };
    case 'metric':
      return { ...common, metric: new Metric({ namespace: NAMESPACE, metricName: spec.metricName, dimensionsMap: { service: spec.service }, statistic: 'Sum', period: Duration.minutes(spec.periodMinutes) }), threshold: 0, evaluationPeriods: 1 };
  }
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: { dashboardName: string; api: HttpApi; queues: Queues; functions: Functions }) {
    super(scope, id);
    // Every alarm of the one list (infra/system.ts ALARMS), named `<stack>-<name>`, notifies the operators' topic.
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Voucher platform alarms', enforceSSL: true });
    for (const spec of ALARMS) {
      const alarm = new Alarm(this, `Alarm-${spec.name}`, { alarmName: `${ALARM_NAME_PREFIX(Stack.of(this).stackName)}${spec.name}`, alarmDescription: spec.description, ...alarmOf(spec, props.queues) });
      alarm.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(alarm);
    }

    const { api } = props;
    const queues = Object.values(props.queues.byName);
    const m = (metricName: string, service: string, statistic = 'Sum', label?: string) =>
      new Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service }, statistic, period: Duration.minutes(1), ...(label ? { label } : {}) });
    // Per refusal code: the codes are not known in advance, so the widget searches for them.
    const refusedByCode = new MathExpression({ expression: `SEARCH('{${NAMESPACE},code,service} MetricName="PaymentRefused"', 'Sum', 60)`, label: 'refused', period: Duration.minutes(1) });
    new Dashboard(this, 'Operations', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new GraphWidget({ title: 'Payments per minute: approved, and refused by code', left: [m('PaymentSucceeded', 'payment-intake', 'Sum', 'approved'), refusedByCode], width: 12 }),
          new GraphWidget({ title: 'Intake latency (ms)', left: [m('PaymentLatency', 'payment-intake', 'p50', 'p50'), m('PaymentLatency', 'payment-intake', 'p99', 'p99')], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'API requests and errors', left: [api.metricCount(), api.metricClientError(), api.metricServerError()] }),
          new GraphWidget({ title: 'API latency', left: [api.metricLatency({ statistic: 'p99' }), api.metricLatency({ statistic: 'p50' })] }),
        ],
        [
          new GraphWidget({ title: 'Queue depths', left: queues.map(({ queue }) => queue.metricApproximateNumberOfMessagesVisible()) }),
          new GraphWidget({ title: 'Dead-letter queues', left: queues.map(({ dlq }) => dlq.metricApproximateNumberOfMessagesVisible()) }),
          new GraphWidget({ title: 'Oldest message age (s)', left: queues.map(({ queue }) => queue.metricApproximateAgeOfOldestMessage()) }),
        ],
        [
          new GraphWidget({
            title: 'Screening: payments screened (left) and holds raised (right) per rule',
            left: SCREENING_RULE_IDS.map((ruleId) => new Metric({ namespace: NAMESPACE, metricName: 'PaymentsScreened', dimensionsMap: { service: 'fraud-screening', ruleId }, statistic: 'Sum', label: `${ruleId} screened` })),
            right: SCREENING_RULE_IDS.map((ruleId) => new Metric({ namespace: NAMESPACE, metricName: 'HoldsRaised', dimensionsMap: { service: 'fraud-screening', ruleId }, statistic: 'Sum', label: `${ruleId} held` })),
          }),
          new GraphWidget({ title: 'Screening lag, approval to screened (ms)', left: [m('ScreeningLatency', 'fraud-screening', 'p50', 'p50'), m('ScreeningLatency', 'fraud-screening', 'p99', 'p99')] }),
        ],
        [
          new GraphWidget({ title: 'Payout runs: made, delayed, netted', left: [m('PayoutsMade', 'payout-shard', 'Sum', 'made'), m('PayoutsDelayed', 'payout-shard', 'Sum', 'delayed'), m('PayoutsNetted', 'payout-shard', 'Sum', 'netted')] }),
          new GraphWidget({
            title: 'CMS files: transmitted, failed sends, missed cut-offs, flagged results, refused transfers',
            left: [m('CmsFilesTransmitted', 'cms-transmit', 'Sum', 'transmitted'), m('CmsTransmitFailures', 'cms-transmit', 'Sum', 'send failed'), m('CmsCutoffMissed', 'cms-transmit', 'Sum', 'cut-off missed'), m('CmsResultsFlagged', 'cms-receive', 'Sum', 'result flagged'), m('CmsTransfersFailed', 'cms-receive', 'Sum', 'transfers refused')],
          }),
          new SingleValueWidget({ title: 'Conservation (PO-08): reports that did not balance, last hour', metrics: [new Metric({ namespace: NAMESPACE, metricName: 'ConservationUnbalanced', dimensionsMap: { service: 'reports-api' }, statistic: 'Sum', period: Duration.hours(1) })] }),
        ],
        [
          new GraphWidget({ title: 'Function errors', left: Object.values(props.functions.byName).map((fn) => fn.metricErrors()) }),
          new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
      ],
    });
  }
}
