import { z } from 'zod';
import { labelSetFingerprint } from '../../shared/alertmanager';
import { parseDuration } from '../../shared/config/duration';
import { describeIssues, inTextOrder, plainWords, problemsMessage, ProblemsError, type ConfigProblem } from '../../shared/config/problems';
import { readYaml } from '../../shared/config/positions';
import type { CapacityEntry, HistoryEntry, WebhookEntry } from '../history';

/**
 * A scenario: history that has not happened yet, as alerts and when they
 * fire and resolve, turned into the webhooks Alertmanager would send for
 * them — grouped by `group_by`, sent `group_wait` after a group appears and
 * again every `resend` while an alert of it fires, a resolved alert once in
 * the next notification, fingerprints, `startsAt`/`endsAt`, `status` and
 * `groupKey` as Alertmanager 0.25 shapes them, each notification sent by
 * every one of `replicas` Alertmanagers.
 *
 * ```yaml
 * start: 2025-03-03T09:00:00+01:00   # when `at: 0m` is (default 2025-01-06T00:00:00Z, a Monday)
 * resend: 5m                          # group_interval and repeat_interval (default 5m)
 * replicas: 2
 * alerts:
 *   - labels: { alertname: GPUQueueDepthHigh, nodegroup: gpu-a100, queue: q0 }
 *     at: 0m
 *     resolve: 45m
 * capacity:                           # the simulation's capacity, as PUT /api/capacity sets it locally
 *   - { at: 30m, node_group: gpu-a100, refuse: true }
 * ```
 */

/** A scenario file that cannot be used: each problem with its key path, line and column. */
export class ScenarioError extends ProblemsError {
  override readonly name = 'ScenarioError';
}

/** Where `at: 0m` is when a scenario does not say: a Monday at midnight UTC, so schedules play the same on every run. */
export const DEFAULT_SCENARIO_START = '2025-01-06T00:00:00Z';
const ZERO_TIME = '0001-01-01T00:00:00Z';

const duration = z.union([z.string(), z.literal(0)]).transform((text, ctx) => {
  const ms = parseDuration(String(text));
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write it like 0m, 90s, 45m or 1h30m` });
    return z.NEVER;
  }
  return ms;
});

const labelValue = z.string({ error: (issue) => (issue.input === undefined ? undefined : 'a label value is text: quote it, e.g. "500"') });
const labelSet = z.record(z.string(), labelValue);

const instant = z.string().transform((text, ctx) => {
  const ms = z.iso.datetime({ offset: true }).safeParse(text).success ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not an RFC 3339 time such as 2025-03-03T09:00:00+01:00` });
    return z.NEVER;
  }
  return ms;
});

const alertSchema = z
  .strictObject({
    labels: labelSet.refine((labels) => labels.alertname !== undefined, { message: 'an alert needs an alertname label' }),
    annotations: labelSet.default({}),
    at: duration,
    resolve: duration.optional(),
    generator_url: z.string().default(''),
  })
  .superRefine((alert, ctx) => {
    if (alert.resolve !== undefined && alert.resolve <= alert.at) ctx.addIssue({ code: 'custom', path: ['resolve'], message: 'resolve must come after at' });
  });

const capacitySchema = z.strictObject({ at: duration, node_group: z.string().min(1), refuse: z.boolean() });

const scenarioSchema = z
  .strictObject({
    start: instant.default(Date.parse(DEFAULT_SCENARIO_START)),
    duration: duration.optional(),
    resend: duration.default(300_000),
    group_wait: duration.default(0),
    replicas: z.int().min(1).max(10).default(1),
    receiver: z.string().min(1).default('alertscale'),
    group_by: z.array(z.string().min(1)).default(['alertname', 'nodegroup']),
    external_url: z.string().default('http://alertmanager:9093'),
    alerts: z.array(alertSchema).min(1, { message: 'a scenario needs at least one alert' }),
    capacity: z.array(capacitySchema).default([]),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.resend <= 0) ctx.addIssue({ code: 'custom', path: ['resend'], message: 'resend must be longer than 0s' });
    scenario.alerts.forEach((alert, i) => {
      const same = scenario.alerts.findIndex((other, j) => j < i && sameLabels(other.labels, alert.labels) && overlaps(other, alert));
      if (same !== -1) ctx.addIssue({ code: 'custom', path: ['alerts', i, 'at'], message: `alerts[${same}] has the same labels and still fires then: Alertmanager would see one alert` });
    });
  });

type Scenario = z.infer<typeof scenarioSchema>;
type ScenarioAlert = Scenario['alerts'][number];

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
const overlaps = (a: ScenarioAlert, b: ScenarioAlert) => a.at < (b.resolve ?? Infinity) && b.at < (a.resolve ?? Infinity);

/** Parses and validates a scenario's YAML; throws `ScenarioError` with every problem's line and column. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  const read = readYaml(text);
  if (!read.ok) throw invalid(source, [read.problem], { cause: read.error });
  const words = plainWords();
  const result = scenarioSchema.safeParse(read.value, { error: words.errorMap });
  if (!result.success) throw invalid(source, inTextOrder(describeIssues(result.error.issues, words.allowedKeys, read.locate)), { cause: result.error });
  return result.data;
}

function invalid(source: string, problems: readonly ConfigProblem[], options?: ErrorOptions): ScenarioError {
  return new ScenarioError(problemsMessage(`${source} is not a valid scenario`, problems), problems, { ...options, source });
}

/** The scenario's history: every webhook every replica sends, and the capacity changes, with its horizon. */
export function scenarioHistory(scenario: Scenario, file: string): { entries: HistoryEntry[]; to: number } {
  const end = scenario.duration ?? Math.max(...scenario.alerts.map((alert) => alert.resolve ?? alert.at)) + scenario.resend;
  const entries: HistoryEntry[] = [];
  for (const group of groupsOf(scenario)) {
    for (const notification of notificationsOf(scenario, group, end)) {
      for (let replica = 0; replica < scenario.replicas; replica++) {
        const at = scenario.start + notification.at;
        entries.push({ kind: 'webhook', at, receivedAt: new Date(at).toISOString(), body: notification.body, source: { file, line: undefined } } satisfies WebhookEntry);
      }
    }
  }
  for (const change of scenario.capacity) {
    entries.push({ kind: 'capacity', at: scenario.start + change.at, nodeGroup: change.node_group, refuse: change.refuse, source: { file } } satisfies CapacityEntry);
  }
  return { entries, to: scenario.start + end };
}

interface AlertGroup {
  readonly labels: Readonly<Record<string, string>>;
  readonly alerts: readonly ScenarioAlert[];
}

/** The alerts by group: the values of the `group_by` labels they have, as Alertmanager's dispatcher groups them. */
function groupsOf(scenario: Scenario): AlertGroup[] {
  const groups = new Map<string, { labels: Record<string, string>; alerts: ScenarioAlert[] }>();
  for (const alert of scenario.alerts) {
    const labels = Object.fromEntries(scenario.group_by.filter((name) => alert.labels[name] !== undefined).map((name) => [name, alert.labels[name]!]));
    const key = JSON.stringify(Object.entries(labels).sort());
    const group = groups.get(key) ?? { labels, alerts: [] };
    groups.set(key, group);
    group.alerts.push(alert);
  }
  return [...groups.values()];
}

/**
 * The notifications of one group, as Alertmanager's aggregation group sends
 * them with `group_interval` = `repeat_interval` = `resend`: the group
 * appears with its first alert and flushes `group_wait` later, then every
 * `resend`; a flush with a firing alert sends (every resend repeats, since
 * the repeat interval has passed), a resolved alert that was sent firing goes
 * once more as resolved, and a group with nothing left goes away until an
 * alert fires in it again.
 */
function notificationsOf(scenario: Scenario, group: AlertGroup, end: number): { at: number; body: unknown }[] {
  const sent: { at: number; body: unknown }[] = [];
  const notifiedFiring = new Set<ScenarioAlert>();
  const notifiedResolved = new Set<ScenarioAlert>();
  const byStart = [...group.alerts].sort((a, b) => a.at - b.at);
  let created = byStart[0]?.at;
  while (created !== undefined && created <= end) {
    let flush = created + scenario.group_wait;
    let ended = false;
    for (; flush <= end; flush += scenario.resend) {
      const at = flush;
      const firing = byStart.filter((alert) => alert.at <= at && (alert.resolve === undefined || at < alert.resolve));
      const resolved = byStart.filter((alert) => alert.resolve !== undefined && alert.resolve <= at && notifiedFiring.has(alert) && !notifiedResolved.has(alert));
      if (firing.length > 0 || resolved.length > 0) {
        firing.forEach((alert) => notifiedFiring.add(alert));
        resolved.forEach((alert) => notifiedResolved.add(alert));
        sent.push({ at, body: webhookBody(scenario, group, [...firing, ...resolved], at) });
      }
      if (firing.length === 0) {
        ended = true;
        break;
      }
    }
    if (!ended) break;
    // The group is gone; an alert that fires later makes it again.
    created = byStart.find((alert) => alert.at > flush)?.at;
  }
  return sent;
}

/** Alertmanager's order of the alerts in a notification: by `job`, then `instance`, then the whole label set. */
function alertOrder(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): number {
  for (const key of ['job', 'instance']) {
    const [x, y] = [a[key], b[key]];
    if (x !== undefined && y !== undefined && x !== y) return x < y ? -1 : 1;
    if ((x === undefined) !== (y === undefined)) return x === undefined ? 1 : -1;
  }
  const [x, y] = [labelString(a), labelString(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A label set as Prometheus' `LabelSet.String()` prints it: `{a="1", b="2"}`, sorted by name. */
const labelString = (labels: Readonly<Record<string, string>>) =>
  `{${Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ')}}`;

/** The labels (or annotations) every one of `sets` has with the same value. */
function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const [first = {}, ...rest] = sets;
  return Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((set) => set[name] === value)));
}

// Computed once per alert, not once per notification: a day of re-sends shapes each alert hundreds of times.
const fingerprints = new WeakMap<ScenarioAlert, string>();
const fingerprintOf = (alert: ScenarioAlert) => {
  let fingerprint = fingerprints.get(alert);
  if (fingerprint === undefined) fingerprints.set(alert, (fingerprint = labelSetFingerprint(alert.labels)));
  return fingerprint;
};

function webhookBody(scenario: Scenario, group: AlertGroup, alerts: readonly ScenarioAlert[], flush: number) {
  const iso = (offset: number) => new Date(scenario.start + offset).toISOString();
  const shaped = [...alerts]
    .sort((a, b) => alertOrder(a.labels, b.labels))
    .map((alert) => {
      const resolved = alert.resolve !== undefined && alert.resolve <= flush;
      return {
        status: resolved ? 'resolved' : 'firing',
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: iso(alert.at),
        endsAt: resolved ? iso(alert.resolve!) : ZERO_TIME,
        generatorURL: alert.generator_url,
        fingerprint: fingerprintOf(alert),
      };
    });
  return {
    receiver: scenario.receiver,
    status: shaped.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    alerts: shaped,
    groupLabels: group.labels,
    commonLabels: common(shaped.map((alert) => alert.labels)),
    commonAnnotations: common(shaped.map((alert) => alert.annotations)),
    externalURL: scenario.external_url,
    version: '4',
    // The root route's key, `{}`, then the group's labels: as Alertmanager's dispatcher keys a group.
    groupKey: `{}:${labelString(group.labels)}`,
    truncatedAlerts: 0,
  };
}
