import { DynamoSendStore } from '../adapters/dynamodb/send-store';
import { LocalSecretResolver } from '../local/emulators/local-secrets';
import { LoggingSnsPublisher } from '../local/emulators/logging-sns';
import type { LocalStageWiring } from '../local/stage-wiring';
import { notifierConsumer } from './consumer';
import { createNotifier, type NotifierDeps } from './notifier';

/**
 * The notifier's collaborators in local mode: channels whose credentials are
 * given inline or in a `_file` (`routing_key`, `api_url`, `url`,
 * `http_config`'s, …) send for real, with global fetch (node:https for a
 * config with `tls_config`); a channel that names any `*_secret`, and SNS,
 * have nothing to send with, so their message is written to the log and the
 * decision records them as `skipped`.
 */
export function localNotifierDeps(options: LocalStageWiring): NotifierDeps {
  return {
    config: options.config,
    decisions: options.decisions,
    sends: new DynamoSendStore(options.dynamodb, options.tableName),
    bus: options.bus,
    secrets: new LocalSecretResolver(),
    sns: new LoggingSnsPublisher(options.log),
    log: options.log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
}

/** The notifier wired for local mode, as its queue's consumer. */
export function localNotifier(options: LocalStageWiring, overrides: Partial<NotifierDeps> = {}) {
  const notifier = createNotifier({ ...localNotifierDeps(options), ...overrides });
  return { notifier, consumer: notifierConsumer(notifier, { log: options.log, onFailure: options.onFailure }) };
}
