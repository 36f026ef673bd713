import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecretResolver } from '../../../lambdas/adapters/secrets-manager/secret-resolver';
import { LocalSecretResolver } from '../../../lambdas/local/emulators/local-secrets';
import { resolveCredential } from '../../../lambdas/notifier/credentials';
import { SecretResolutionError, SecretUnavailableError } from '../../../lambdas/notifier/ports';
import { secretNamesIn } from '../../../lambdas/shared/channels';
import { configFrom } from './support';

const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => secretsManager.reset());

describe('SecretsManagerSecretResolver', () => {
  it('reads a secret once and serves it from the cache within the TTL', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'alertscale/pagerduty' }).resolves({ SecretString: 'pd-key\n' });
    const resolver = new SecretsManagerSecretResolver(new SecretsManagerClient({}));

    const values = await Promise.all([resolver.resolveSecret('alertscale/pagerduty'), resolver.resolveSecret('alertscale/pagerduty')]);
    const later = await resolver.resolveSecret('alertscale/pagerduty');

    expect([...values, later]).toEqual(['pd-key', 'pd-key', 'pd-key']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads the secret again once the TTL has passed', async () => {
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'rotated' });
    let now = 0;
    const resolver = new SecretsManagerSecretResolver(new SecretsManagerClient({}), { ttlMs: 1000, now: () => now });
    await resolver.resolveSecret('alertscale/slack');
    now = 1000;

    expect(await resolver.resolveSecret('alertscale/slack')).toBe('rotated');
  });

  it('explains how to fill a secret that has no value yet, naming it but no value', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "can't find the specified secret value", $metadata: {} }));
    const resolver = new SecretsManagerSecretResolver(new SecretsManagerClient({}));

    await expect(resolver.resolveSecret('alertscale/hook')).rejects.toThrow(
      new SecretResolutionError('alertscale/hook', 'ResourceNotFoundException; fill it with: aws secretsmanager put-secret-value --secret-id alertscale/hook --secret-string <value>'),
    );
  });

  it('does not cache a failed read', async () => {
    secretsManager.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'value' });
    const resolver = new SecretsManagerSecretResolver(new SecretsManagerClient({}));
    await resolver.resolveSecret('alertscale/x').catch(() => undefined);

    expect(await resolver.resolveSecret('alertscale/x')).toBe('value');
  });

  it('refuses an empty secret', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '  ' });

    await expect(new SecretsManagerSecretResolver(new SecretsManagerClient({})).resolveSecret('alertscale/x')).rejects.toBeInstanceOf(SecretResolutionError);
  });
});

describe('resolveCredential', () => {
  const noSecrets = new LocalSecretResolver();

  it('prefers the inline value, then the file, then the secret', async () => {
    const readFile = async (path: string) => `from ${path}\n`;

    expect(await resolveCredential({ inline: 'inline' }, noSecrets, readFile)).toBe('inline');
    expect(await resolveCredential({ file: '/etc/key' }, noSecrets, readFile)).toBe('from /etc/key');
  });

  it('names the file, not its content, when it cannot be read', async () => {
    const readFile = async () => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };

    await expect(resolveCredential({ file: '/etc/missing' }, noSecrets, readFile)).rejects.toThrow('cannot read credential file /etc/missing: ENOENT');
  });

  it('reports a secret as unavailable in local mode', async () => {
    await expect(resolveCredential({ secret: 'alertscale/pagerduty' }, noSecrets, async () => '')).rejects.toBeInstanceOf(SecretUnavailableError);
  });

  it('is undefined when no source is configured', async () => {
    expect(await resolveCredential({}, noSecrets, async () => '')).toBeUndefined();
  });
});

describe('secretNamesIn', () => {
  it('lists every *_secret name of every channel config, sorted, once each', () => {
    const config = configFrom(`
route: { receiver: a }
receivers:
  - name: a
    pagerduty_configs: [{ routing_key_secret: alertscale/pagerduty }, { routing_key: inline-key }]
    slack_configs: [{ api_url_secret: alertscale/slack }]
  - name: b
    pagerduty_configs: [{ routing_key_secret: alertscale/pagerduty }]
    webhook_configs: [{ url: 'https://cp.example.com/hook', signing_key_secret: alertscale/hook }]
    sns_configs: [{}]
`);

    expect(secretNamesIn(config)).toEqual(['alertscale/hook', 'alertscale/pagerduty', 'alertscale/slack']);
  });

  it('lists a v1 service_key_secret and the http_config credential secrets too', () => {
    const config = configFrom(`
route: { receiver: a }
receivers:
  - name: a
    pagerduty_configs: [{ service_key_secret: alertscale/pagerduty-v1 }]
    slack_configs: [{ api_url: 'https://hooks.example.com/x', http_config: { basic_auth: { username: u, password_secret: alertscale/slack-proxy } } }]
    webhook_configs: [{ url: 'https://cp.example.com/hook', http_config: { authorization: { credentials_secret: alertscale/cp-token } } }]
`);

    expect(secretNamesIn(config)).toEqual(['alertscale/cp-token', 'alertscale/pagerduty-v1', 'alertscale/slack-proxy']);
  });
});
