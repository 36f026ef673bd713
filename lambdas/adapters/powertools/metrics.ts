import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Env } from '../../shared/env';
import { MetricDimension } from '../../shared/metric-names';
import { METRIC_NAMESPACE, type Metrics } from '../../shared/metrics';

/**
 * The metrics port on Powertools' Metrics: CloudWatch embedded-metric-format
 * lines in the function's log, no API call. Each count is written at once
 * with its own dimensions (a single metric), so nothing waits for a flush.
 */
export function powertoolsMetrics(serviceName: string, stackName: string | undefined = process.env[Env.StackName]): Metrics {
  // The stack's name on every metric, so two stacks in one account and region keep their figures (and dashboards) apart.
  const metrics = new PowertoolsMetrics({ namespace: METRIC_NAMESPACE, serviceName, ...(stackName ? { defaultDimensions: { [MetricDimension.Stack]: stackName } } : {}) });
  return {
    count(name, value, dimensions = {}) {
      if (value === 0) return;
      const single = metrics.singleMetric();
      for (const [dimension, dimensionValue] of Object.entries(dimensions)) single.addDimension(dimension, dimensionValue);
      single.addMetric(name, MetricUnit.Count, value);
    },
  };
}
