/**
 * The CDK app (cdk.json: `npx tsx bin/app.ts`).
 *
 * The configuration file is the context value `alertscale:config` (cdk.json
 * sets `config/alertscale.yml`; override with `npx cdk synth -c
 * alertscale:config=path/to/file.yml`), relative to the project root. Run
 * without the CDK CLI (`npx tsx bin/app.ts`), context comes from the
 * `CDK_CONTEXT_JSON` environment variable, as the CLI passes it, and the file
 * defaults to the shipped example.
 *
 * The other context keys are in `lib/context.ts`: `alertscale:prefix`,
 * `alertscale:alarmEmails`, `alertscale:alarmTopicArn`,
 * `alertscale:notificationProducers`. The stack is named `Alertscale`, or by
 * `alertscale:stackName` to deploy a second one (`AlertscaleStaging`) beside it.
 *
 * The file is validated with the same schema as local mode and `alertscale
 * check`: a bad file (or a context value or setting AWS would refuse) stops
 * the synth with the key path or value of every problem and exit code 1,
 * never a stack trace.
 *
 * cdk-nag's AwsSolutions checks run on every synth, as in the tests: a finding
 * not acknowledged (with a reason) in lib/nag-suppressions.ts fails it.
 */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from '../lambdas/shared/config/load';
import type { Config } from '../lambdas/shared/config/schema';
import { CREDENTIAL_KEYS, credentialSource, receiverChannels } from '../lambdas/shared/channels';
import { AlertscaleStack } from '../lib/alertscale-stack';
import { PROJECT_ROOT } from '../lib/alertscale-function';
import { CONTEXT_KEYS, readDeployContext } from '../lib/context';
import { InfrastructureError } from '../lib/errors';

const DEFAULT_CONFIG = 'config/alertscale.yml';
const DEFAULT_STACK_NAME = 'Alertscale';

/** Prints a known error the way `alertscale check` does and exits 1; anything else is a bug and keeps its stack trace. */
function stopOn(error: unknown): never {
  if (error instanceof ConfigError || error instanceof InfrastructureError) {
    process.stderr.write(`alertscale: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const configPath = resolve(PROJECT_ROOT, String(app.node.tryGetContext(CONTEXT_KEYS.config) ?? DEFAULT_CONFIG));

let loaded: ReturnType<typeof loadConfig>;
try {
  loaded = loadConfig(configPath);
} catch (error) {
  stopOn(error);
}
for (const warning of [...loaded.warnings, ...awsOnlyWarnings(loaded.config)]) {
  process.stderr.write(`alertscale: warning: ${warning}\n`);
}

try {
  const context = readDeployContext(app.node);
  new AlertscaleStack(app, String(app.node.tryGetContext(CONTEXT_KEYS.stackName) ?? DEFAULT_STACK_NAME), {
    config: loaded.config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    namePrefix: context.prefix,
    alarmEmails: context.alarmEmails,
    alarmTopicArn: context.alarmTopicArn,
    notificationProducerRoleArns: context.notificationProducerRoleArns,
  });
} catch (error) {
  stopOn(error);
}

/**
 * Channel secrets given inline would be embedded in the Lambda bundles, and
 * `*_file` paths do not exist on Lambda: on AWS, `*_secret` (Secrets Manager)
 * is the way. Warnings, not errors, since the same file also serves local mode.
 */
function awsOnlyWarnings(config: Config): string[] {
  return config.receivers.flatMap((receiver, i) =>
    receiverChannels(receiver).flatMap(({ channel, configIndex, config: channelConfig }) => {
      const source = credentialSource(channel, channelConfig);
      const key = channel === 'sns' ? undefined : CREDENTIAL_KEYS[channel];
      if (key === undefined) return [];
      const at = `receivers[${i}].${channel}_configs[${configIndex}]`;
      return [
        ...(source.inline !== undefined ? [`${at}.${key}: embedded in the Lambda bundle; on AWS use ${key}_secret`] : []),
        ...(source.file !== undefined ? [`${at}.${key}_file: no such file on Lambda; on AWS use ${key}_secret`] : []),
      ];
    }),
  );
}
