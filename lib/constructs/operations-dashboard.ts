import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, MetricDimension, MetricName } from '../../lambdas/shared/metric-names';
import { InfrastructureError } from '../errors';

/** A queue and what to call it on the dashboard. */
export interface LabelledQueue {
  readonly label: string;
  readonly queue: sqs.IQueue;
}

/** Properties of an {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  /**
   * The dashboard's name.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /** The configured node groups: one scaling widget each. */
  readonly nodeGroups: readonly string[];
  /** The stage queues whose oldest message's age is shown. */
  readonly queues: readonly LabelledQueue[];
  /** The dead-letter queues whose depth is shown. */
  readonly deadLetterQueues: readonly LabelledQueue[];
  /**
   * The value of the runtime metrics' `stack` dimension.
   * @default - this stack's name, which every function gets in `ALERTSCALE_STACK_NAME`
   */
  readonly metricsStack?: string;
}

/** Characters that would end the quoted search term or the expression around it. */
const UNSEARCHABLE = /["'\\]/;

/**
 * One CloudWatch dashboard for operators: notifications in and alert
 * deliveries by outcome, decisions, scaling actions by outcome per node group,
 * channel sends by channel and outcome, the stage queues' oldest-message age
 * and the dead-letter queues' depth.
 *
 * The runtime metrics (namespace `alertscale`, names in
 * `lambdas/shared/metric-names.ts`) are drawn with search expressions on
 * their name and `stack` dimension, so every outcome or channel the runtime
 * reports shows up as its own line without the dashboard listing them, and
 * whatever other dimensions Powertools adds (`service`) do not matter.
 */
export class OperationsDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const stack = props.metricsStack ?? Stack.of(this).stackName;
    for (const name of [stack, ...props.nodeGroups]) {
      if (UNSEARCHABLE.test(name)) {
        throw new InfrastructureError(
          `${JSON.stringify(name)} cannot be searched for in the dashboard's metric expressions: remove quotes and backslashes from the name`,
        );
      }
    }
    const period = Duration.minutes(5);
    const search = (metricName: string, label: string, extra: Record<string, string> = {}) =>
      new cloudwatch.SearchExpression({
        expression: `SEARCH('${[
          `Namespace="${METRIC_NAMESPACE}"`,
          `MetricName="${metricName}"`,
          `${MetricDimension.Stack}="${stack}"`,
          ...Object.entries(extra).map(([key, value]) => `${key}="${value}"`),
        ].join(' ')}', 'Sum', ${period.toSeconds()})`,
        label,
        period,
      });
    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 12) =>
      new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6, period });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      graph('Notifications in, and their alerts by outcome', [
        search(MetricName.NotificationsAccepted, 'notifications accepted'),
        search(MetricName.AlertDeliveries, 'alert deliveries'),
      ]),
      graph('Decisions', [search(MetricName.Decisions, 'decisions')]),
    );
    const perNodeGroup = props.nodeGroups.map((nodeGroup) =>
      graph(`Scaling actions by outcome: ${nodeGroup}`, [
        search(MetricName.ScalingActions, nodeGroup, { [MetricDimension.NodeGroup]: nodeGroup }),
      ], 8),
    );
    for (let i = 0; i < perNodeGroup.length; i += 3) this.dashboard.addWidgets(...perNodeGroup.slice(i, i + 3));
    this.dashboard.addWidgets(
      graph('Pages and messages by channel and outcome', [search(MetricName.Notifications, 'sends')], 24),
    );
    this.dashboard.addWidgets(
      graph(
        'Queues: age of the oldest message (s)',
        props.queues.map(({ label, queue }) => queue.metricApproximateAgeOfOldestMessage({ label, period, statistic: 'Maximum' })),
      ),
      graph(
        'Dead-letter queues: messages waiting',
        props.deadLetterQueues.map(({ label, queue }) => queue.metricApproximateNumberOfMessagesVisible({ label, period, statistic: 'Maximum' })),
      ),
    );
  }
}
