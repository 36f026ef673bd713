import { aws_sqs as sqs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricName } from '../../../lambdas/shared/metric-names';
import { OperationsDashboard } from '../../../lib/constructs/operations-dashboard';
import { bareStack, removeAssemblies } from '../support';

afterAll(removeAssemblies);

/** The dashboard body with every token replaced by a placeholder, parsed. */
function dashboardAlone(nodeGroups: string[] = ['gpu-a100', 'gpu-l4']) {
  const stack = bareStack();
  const queues = { router: new sqs.Queue(stack, 'RouterQueue'), routerDlq: new sqs.Queue(stack, 'RouterDlq') };
  new OperationsDashboard(stack, 'Dashboard', {
    dashboardName: 'alertscale-test',
    nodeGroups,
    queues: [{ label: 'router', queue: queues.router }],
    deadLetterQueues: [{ label: 'router', queue: queues.routerDlq }],
  });
  const template = Template.fromStack(stack);
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
  const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
  const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
  return { dashboard, body, text: JSON.stringify(body) };
}

describe('OperationsDashboard, alone on a stack', () => {
  it('is named as asked', () => {
    expect(dashboardAlone().dashboard.Properties.DashboardName).toBe('alertscale-test');
  });

  it.each([MetricName.NotificationsAccepted, MetricName.AlertDeliveries, MetricName.Decisions, MetricName.Notifications])(
    'searches the %s metric of this stack only',
    (metric) => {
      expect(dashboardAlone().text).toContain(`SEARCH('Namespace=\\"alertscale\\" MetricName=\\"${metric}\\" stack=\\"Test\\"', 'Sum', 300)`);
    },
  );

  it('has a scaling-actions widget per node group, by outcome', () => {
    const { body, text } = dashboardAlone();
    const titles = body.widgets.map((w: { properties: { title: string } }) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Scaling actions by outcome: gpu-a100', 'Scaling actions by outcome: gpu-l4']));
    expect(text).toContain(`MetricName=\\"ScalingActions\\" stack=\\"Test\\" node_group=\\"gpu-a100\\"`);
  });

  it('shows the queues oldest-message age and the dead-letter queues depth', () => {
    const { text } = dashboardAlone();
    expect(text).toContain('"ApproximateAgeOfOldestMessage"');
    expect(text).toContain('"ApproximateNumberOfMessagesVisible"');
  });

  it('refuses a node group name its search expressions cannot quote', () => {
    expect(() => dashboardAlone(["gpu'a100"])).toThrow(
      `"gpu'a100" cannot be searched for in the dashboard's metric expressions: remove quotes and backslashes from the name`,
    );
  });
});
