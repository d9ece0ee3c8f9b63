/** What operators watch: the alarms (one list, infra/system.ts ALARMS) with their SNS topic, and the operations dashboard. */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, type AlarmProps, AlarmStatusWidget, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, SingleValueWidget, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { AlarmSpec } from '../../domain/operations/alarms';
import type { PanelSpec, SeriesSpec } from '../../domain/operations/dashboard';
import { ALARM_NAME_PREFIX, ALARMS, DASHBOARD_PANELS } from '../system';
import { Construct } from 'constructs';
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

/** The CloudWatch metrics of a series of the list: one per listed dimension value, or a SEARCH for the values not known in advance. */
function metricsOf(spec: SeriesSpec): (Metric | MathExpression)[] {
  const period = Duration.minutes(1);
  if (spec.by && !spec.by.values) {
    return [new MathExpression({ expression: `SEARCH('{${NAMESPACE},${spec.by.dimension},service} MetricName="${spec.metric}"', '${spec.stat}', 60)`, label: spec.label, period })];
  }
  const one = (extra: Record<string, string>, label: string) => new Metric({ namespace: NAMESPACE, metricName: spec.metric, dimensionsMap: { service: spec.service, ...extra }, statistic: spec.stat, period, label });
  if (!spec.by) return [one({}, spec.label)];
  const { dimension } = spec.by;
  return spec.by.values!.map((value) => one({ [dimension]: value }, `${spec.label} ${value}`));
}

/** A graph of the list (DASHBOARD_PANELS), its series on their axes. */
function graphOf(panel: PanelSpec, width?: number): GraphWidget {
  const on = (axis: 'left' | 'right') => panel.series.filter((s) => (s.axis ?? 'left') === axis).flatMap(metricsOf);
  return new GraphWidget({ title: panel.title, left: on('left'), right: on('right'), ...(width ? { width } : {}) });
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
    const graph = (id: string, width?: number) => graphOf(DASHBOARD_PANELS.find((p) => p.id === id)!, width);
    new Dashboard(this, 'Operations', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          graph('payments', 12),
          graph('intake-latency', 12),
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
          graph('screening'),
          graph('screening-lag'),
        ],
        [
          graph('payouts'),
          graph('cms'),
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
