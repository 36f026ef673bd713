import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SsmPauseSwitch } from '../../../lambdas/adapters/ssm/pause-switch';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';

const ssm = mockClient(SSMClient);
beforeEach(() => ssm.reset());

function pauseSwitch(now: { value: number }) {
  return new SsmPauseSwitch(new SSMClient({ region: 'us-east-1' }), '/alertscale/pause', { cacheMs: 5000, now: () => now.value });
}

describe('SsmPauseSwitch', () => {
  it.each(['on', 'true', 'ON', ' true '])('is paused when the parameter says %j', async (value) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });

    await expect(pauseSwitch({ value: 0 }).isPaused()).resolves.toBe(true);
  });

  it('is running when the parameter says off', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });

    await expect(pauseSwitch({ value: 0 }).isPaused()).resolves.toBe(false);
  });

  it('is running when the parameter does not exist', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'no', $metadata: {} }));

    await expect(pauseSwitch({ value: 0 }).isPaused()).resolves.toBe(false);
  });

  it('reads the parameter once per cache period', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    const now = { value: 0 };
    const pause = pauseSwitch(now);

    await pause.isPaused();
    now.value = 4999;
    await pause.isPaused();
    now.value = 5000;
    await pause.isPaused();

    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('fails rather than guessing when the parameter cannot be read', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(pauseSwitch({ value: 0 }).isPaused()).rejects.toThrow('denied');
  });
});

describe('LocalPauseSwitch', () => {
  it('is flipped by set', async () => {
    const pause = new LocalPauseSwitch();
    pause.set(true);

    await expect(pause.isPaused()).resolves.toBe(true);
  });
});
