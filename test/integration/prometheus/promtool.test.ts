import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needBinary } from '../../support/binaries';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const rulesDir = join(repoRoot, 'examples/prometheus');
const testsDir = join(rulesDir, 'tests');

const ruleFiles = readdirSync(rulesDir)
  .filter((file) => file.endsWith('.rules.yml'))
  .map((file) => relative(repoRoot, join(rulesDir, file)));
const testFiles = readdirSync(testsDir)
  .filter((file) => file.endsWith('.yml'))
  .map((file) => relative(repoRoot, join(testsDir, file)));

interface PromtoolResult {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs promtool from the repository root; its exit code and stdout + stderr, never a throw. */
async function promtool(...args: string[]): Promise<PromtoolResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)('promtool', args, { cwd: repoRoot });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe.runIf(needBinary('promtool', 'apt-get install -y prometheus'))('the example Prometheus rules with promtool', () => {
  it.each(ruleFiles)('promtool check rules accepts %s', async (file) => {
    const result = await promtool('check', 'rules', file);

    expect(result.output).toContain(`Checking ${file}\n  SUCCESS`);
    expect(result.exitCode).toBe(0);
  });

  it.each(testFiles)('promtool test rules passes every test in %s', async (file) => {
    const result = await promtool('test', 'rules', file);

    expect(result.output).toContain(`Unit Testing:  ${file}\n  SUCCESS`);
    expect(result.exitCode).toBe(0);
  });

  describe('a broken copy', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'alertscale-promtool-'));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('promtool check rules rejects a rule file with an expression that does not parse', async () => {
      const original = readFileSync(join(rulesDir, 'gpu-fleet.rules.yml'), 'utf8');
      const broken = original.replace('kube_node_status_condition{condition="Ready", status="true"}) == 0)', 'kube_node_status_condition{condition="Ready", status="true"}) == )');
      const file = join(dir, 'gpu-fleet.rules.yml');
      writeFileSync(file, broken);

      const result = await promtool('check', 'rules', file);

      expect(broken).not.toBe(original);
      expect(result.exitCode).not.toBe(0);
      expect(result.output).toMatch(/FAILED:[\s\S]*"NodeNotReady": could not parse expression/);
    });
  });
});
