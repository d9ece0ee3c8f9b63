/** What operators watch: the alarms (one list, infra/system.ts ALARMS) with their SNS topic, and the operations dashboard. */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, type AlarmProps, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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

  constructor(scope: Construct, id: string, props: { dashboardName: string; api: HttpApi; queues: Queues; functions: Functions }) {
    super(scope, id);
    // Every alarm of the one list (infra/system.ts ALARMS), named `<stack>-<name>`, notifies the operators' topic.
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Voucher platform alarms', enforceSSL: true });
    for (const spec of ALARMS) {
      const alarm = new Alarm(this, `Alarm-${spec.name}`, { alarmName: `${ALARM_NAME_PREFIX(Stack.of(this).stackName)}${spec.name}`, alarmDescription: spec.description, ...alarmOf(spec, props.queues) });
      alarm.addAlarmAction(new SnsAction(this.topic));
    }

    const { api } = props;
    const queues = Object.values(props.queues.byName);
    new Dashboard(this, 'Operations', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new GraphWidget({ title: 'API requests and errors', left: [api.metricCount(), api.metricClientError(), api.metricServerError()] }),
          new GraphWidget({ title: 'API latency', left: [api.metricLatency({ statistic: 'p99' }), api.metricLatency({ statistic: 'p50' })] }),
        ],
        [
          new GraphWidget({ title: 'Dead-letter queues', left: queues.map(({ dlq }) => dlq.metricApproximateNumberOfMessagesVisible()) }),
          new GraphWidget({ title: 'Oldest message age (s)', left: queues.map(({ queue }) => queue.metricApproximateAgeOfOldestMessage()) }),
        ],
        [new GraphWidget({ title: 'Function errors', left: Object.values(props.functions.byName).map((fn) => fn.metricErrors()) })],
        [
          new GraphWidget({
            title: 'Screening: payments screened (left) and holds raised (right) per rule',
            left: SCREENING_RULE_IDS.map((ruleId) => new Metric({ namespace: NAMESPACE, metricName: 'PaymentsScreened', dimensionsMap: { service: 'fraud-screening', ruleId }, statistic: 'Sum', label: `${ruleId} screened` })),
            right: SCREENING_RULE_IDS.map((ruleId) => new Metric({ namespace: NAMESPACE, metricName: 'HoldsRaised', dimensionsMap: { service: 'fraud-screening', ruleId }, statistic: 'Sum', label: `${ruleId} held` })),
          }),
          new GraphWidget({
            title: 'Screening latency, approval to screened (ms)',
            left: [new Metric({ namespace: NAMESPACE, metricName: 'ScreeningLatency', dimensionsMap: { service: 'fraud-screening' }, statistic: 'p99' })],
          }),
        ],
      ],
    });
  }
}
