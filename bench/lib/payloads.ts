import { alertFingerprint, occurrenceKey } from '../../lambdas/shared/alertmanager';

/** The node groups of bench/config/bench.yml. */
export const NODE_GROUPS = ['gpu-a100', 'gpu-h100', 'gpu-l4'] as const;
export const ALERTS_PER_WEBHOOK = 10;
/** One alert in ten is a node failure that pages; the rest ask for a scale-up. */
export const PAGE_EVERY = 10;

const STARTS_AT = '2025-01-01T00:00:00Z';

export interface Notification {
  /** The webhook body, identical for both replicas. */
  readonly body: string;
  /** The occurrence (decision id) of each alert in it. */
  readonly decisionIds: readonly string[];
  readonly pages: number;
  readonly scales: number;
}

/**
 * Notification `n` of a run: ten new alert occurrences, nine `GPUQueueDepthHigh`
 * over the three node groups and one `NodeNotReady` (critical). `run` keeps the
 * occurrences of different phases apart.
 */
export function notification(run: string, n: number): Notification {
  const alerts = Array.from({ length: ALERTS_PER_WEBHOOK }, (_, i) => {
    const pages = i === PAGE_EVERY - 1;
    const labels: Record<string, string> = pages
      ? { alertname: 'NodeNotReady', severity: 'critical', node: `node-${run}-${n}`, cluster: 'bench' }
      : {
          alertname: 'GPUQueueDepthHigh',
          severity: 'warning',
          nodegroup: NODE_GROUPS[(n * ALERTS_PER_WEBHOOK + i) % NODE_GROUPS.length]!,
          queue: `q-${run}-${n}-${i}`,
          cluster: 'bench',
        };
    return {
      status: 'firing',
      labels,
      annotations: { summary: `bench alert ${n}/${i}`, description: 'Queue depth above 100 for 5 minutes on the GPU node group.' },
      startsAt: STARTS_AT,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus.bench:9090/graph?g0.expr=queue_depth%7Bqueue%3D%22${n}%22%7D`,
      fingerprint: '',
    };
  });
  const body = JSON.stringify({
    version: '4',
    groupKey: `{}:{run="${run}",n="${n}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'alertscale',
    groupLabels: { cluster: 'bench' },
    commonLabels: { cluster: 'bench' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.bench:9093',
    alerts,
  });
  const decisionIds = alerts.map((alert) => occurrenceKey({ fingerprint: alertFingerprint({ labels: alert.labels, fingerprint: undefined }), startsAt: alert.startsAt, status: alert.status }));
  return { body, decisionIds, pages: 1, scales: ALERTS_PER_WEBHOOK - 1 };
}
