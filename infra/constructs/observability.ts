/** What operators watch: the CMS alarms (CMS-03/04) and the operations dashboard. */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { SCREENING_RULE_IDS } from '../../domain/screening/rules';
import type { Functions } from './functions';
import type { Queues } from './queues';

const NAMESPACE = 'VoucherPlatform';

export class Observability extends Construct {
  constructor(scope: Construct, id: string, props: { dashboardName: string; api: HttpApi; queues: Queues; functions: Functions }) {
    super(scope, id);
    // CMS-03/04/05: operators are alerted to a result that does not match, refused transfers, failed sends and missed cut-offs.
    for (const [metricName, service, description] of [
      ['CmsResultsFlagged', 'cms-receive', 'A CMS result file does not match what was sent: nothing was applied; an operator must look at it'],
      ['CmsTransfersFailed', 'cms-receive', 'Banks refused transfers (closed account, holder mismatch …): the amounts wait for corrected accounts'],
      ['CmsTransmitFailures', 'cms-transmit', 'A CMS file could not be transmitted; it is retried until the cut-off'],
      ['CmsCutoffMissed', 'cms-transmit', 'A CMS file missed its 17:00 cut-off (CMS-05): its transfers and their payouts moved to the next business day; find why the file was not sent'],
    ] as const) {
      new Alarm(this, `Alarm-${metricName}`, {
        alarmDescription: description,
        metric: new Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service }, statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
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
