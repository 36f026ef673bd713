import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../lambdas/shared/config/load';
import { buildRouteTree, matchReceivers } from '../../../lambdas/shared/routing/route-tree';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const rulesDir = join(repoRoot, 'examples/prometheus');

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

function readYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}

function ruleGroups(file: string): RuleGroup[] {
  return (readYaml(join(rulesDir, file)) as { groups: RuleGroup[] }).groups;
}

const ruleFiles = readdirSync(rulesDir).filter((file) => file.endsWith('.rules.yml')).sort();
const alerts = ruleFiles.flatMap((file) =>
  ruleGroups(file).flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined).map((rule) => ({ file, rule }))),
);

describe('example Prometheus rules', () => {
  it.each([
    ['gpu-fleet.rules.yml', 'gpu-fleet.prometheusrule.yml'],
    ['alertscale.rules.yml', 'alertscale.prometheusrule.yml'],
  ])('%s and the PrometheusRule in %s hold the same groups', (rulesFile, resourceFile) => {
    const resource = readYaml(join(rulesDir, resourceFile)) as { apiVersion: string; kind: string; spec: { groups: unknown } };

    expect({ apiVersion: resource.apiVersion, kind: resource.kind }).toEqual({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    expect(resource.spec.groups).toEqual(ruleGroups(rulesFile));
  });

  it('every rule file is the subject of a promtool test file', () => {
    const testsDir = join(rulesDir, 'tests');
    const tested = readdirSync(testsDir)
      .filter((file) => file.endsWith('.yml'))
      .flatMap((file) => (readYaml(join(testsDir, file)) as { rule_files: string[] }).rule_files.map((rules) => resolve(testsDir, rules)));

    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(ruleFiles.map((file) => join(rulesDir, file)).filter((file) => !tested.includes(file))).toEqual([]);
  });

  it.each(alerts.map(({ file, rule }) => [rule.alert, file, rule] as const))(
    '%s (%s) has a severity, a summary, a description and a runbook',
    (_alert, _file, rule) => {
      expect(rule.labels?.severity).toMatch(/^(critical|warning|info)$/);
      expect(Object.keys(rule.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(rule.annotations?.runbook_url).toMatch(/^https:\/\//);
    },
  );

  // The alert labels come from the rule's static labels plus what its expression
  // keeps; promtool's tests pin the latter, this pins the route each one takes.
  it.each([
    ['GPUQueueDepthHigh', ['scale-up', 'quiet']],
    ['GPUUtilizationLow', ['scale-down']],
    ['GPUXidErrors', ['oncall']],
    ['NodeNotReady', ['oncall']],
  ])('%s reaches the receivers config/alertscale.yml has for it', (alertname, receivers) => {
    const rule = alerts.find(({ rule: r }) => r.alert === alertname)?.rule;
    const tree = buildRouteTree(loadConfig(join(repoRoot, 'config/alertscale.yml')).config.route);

    expect(rule, `${alertname} in ${ruleFiles.join(', ')}`).toBeDefined();
    expect(matchReceivers(tree, { alertname, nodegroup: 'gpu-a100', ...rule?.labels })).toEqual(receivers);
  });

  it("GPUUtilizationLow carries, in every promtool case where it fires, the label config/alertscale.yml removes its node by", () => {
    const { config } = loadConfig(join(repoRoot, 'config/alertscale.yml'));
    const label = config.receivers.find((r) => r.name === 'scale-down')?.scale_configs[0]?.remove_node_label;
    const tests = (readYaml(join(rulesDir, 'tests/gpu-fleet.test.yml')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[] }[] }).tests;
    const fired = tests.flatMap((t) => t.alert_rule_test ?? []).filter((a) => a.alertname === 'GPUUtilizationLow').flatMap((a) => a.exp_alerts);

    expect(label).toBe('node');
    expect(fired.length).toBeGreaterThan(1);
    expect(fired.filter((alert) => !alert.exp_labels[label!])).toEqual([]);
  });
});
