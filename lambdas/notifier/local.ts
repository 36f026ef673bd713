import type { LocalStageWiring } from '../adapters/local/stage-wiring';
import { DynamoDeliveryStore } from './delivery-store';
import type { NotifierDeps } from './notifier';
import { LocalSecretResolver } from './secrets';
import { LoggingSnsPublisher } from './sns';

/** What local mode has to hand when it builds the notifier; delivery records live beside the decisions. */
export type LocalNotifierOptions = LocalStageWiring;

/**
 * The notifier's collaborators in local mode: channels given inline or in a
 * `_file` (`routing_key`, `api_url`, `url`, …) send for real with global fetch;
 * `*_secret` channels and SNS have nothing to send with, so their message is
 * written to the log and the decision records them as `skipped`.
 */
export function localNotifierDeps(options: LocalNotifierOptions): NotifierDeps {
  return {
    config: options.config,
    decisions: options.decisions,
    deliveries: new DynamoDeliveryStore(options.dynamodb, options.tableName),
    bus: options.bus,
    secrets: new LocalSecretResolver(),
    sns: new LoggingSnsPublisher(options.log),
    log: options.log,
    ...(options.clock ? { clock: options.clock } : {}),
  };
}
