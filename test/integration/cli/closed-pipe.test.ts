import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the CLI piped into a reader that stops early', () => {
  it('ends quietly when `head` closes the pipe, with no EPIPE stack trace', { timeout: 60_000 }, () => {
    const result = spawnSync('bash', ['-c', 'node bin/alertscale.mjs replay --config config/alertscale.yml examples/scenarios/queue-surge.yml examples/scenarios/queue-surge.yml | head -c 10 >/dev/null; echo "exit=${PIPESTATUS[0]}"'], { encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.stdout.trim()).toBe('exit=0');
  });
});
