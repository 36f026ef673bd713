import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { needBinary } from '../../support/binaries';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const plainConfig = join(repoRoot, 'examples/alertmanager/alertmanager.yml');

interface AmtoolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function amtool(...args: string[]): Promise<AmtoolResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)('amtool', args, { cwd: repoRoot });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe.runIf(needBinary('amtool'))('the example Alertmanager configurations with amtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertscale-amtool-examples-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('amtool check-config accepts examples/alertmanager/alertmanager.yml', async () => {
    const result = await amtool('check-config', plainConfig);

    expect(result.stdout).toContain('SUCCESS');
    expect(result.exitCode).toBe(0);
  });

  it('amtool check-config accepts the Alertmanager configuration in the kube-prometheus-stack values', async () => {
    const values = parse(readFileSync(join(repoRoot, 'examples/alertmanager/kube-prometheus-stack-values.yml'), 'utf8')) as { alertmanager: { config: unknown } };
    const file = join(dir, 'kube-prometheus-stack-alertmanager.yml');
    writeFileSync(file, stringify(values.alertmanager.config));

    const result = await amtool('check-config', file);

    expect(result.stdout).toContain('SUCCESS');
    expect(result.exitCode).toBe(0);
  });

  it.each([
    [['alertname=GPUUtilizationLow', 'nodegroup=gpu-a100', 'severity=warning'], 'alertscale'],
    [['alertname=NodeNotReady', 'nodegroup=gpu-h100', 'severity=critical'], 'alertscale'],
    [['alertname=AlertscaleDeadLetters', 'queue=alertscale-scale.fifo', 'severity=critical'], 'oncall'],
  ])('amtool routes %j to %s in examples/alertmanager/alertmanager.yml', async (labels, receiver) => {
    const result = await amtool('config', 'routes', 'test', `--config.file=${plainConfig}`, ...labels);

    expect(result.stdout.trim()).toBe(receiver);
    expect(result.exitCode).toBe(0);
  });
});
