import { DynamoDrainStore } from '../adapters/dynamodb/drain-store';
import { LocalSecretResolver } from '../local/emulators/local-secrets';
import { LOCAL_DRAIN_HOOK, type SimulatedNodeGroups } from '../local/emulators/simulated-node-groups';
import type { LocalStageWiring } from '../local/stage-wiring';
import { systemClock } from '../shared/clock';
import { drainConsumer } from './consumer';
import { createDrainConfirm, type DrainConfirm } from './drain-confirm';
import { drainSendContext } from './drain-context';
import { createDrainRequests, type DrainRequests } from './drain-request';

/** What local mode needs to run the drain in process. */
export interface LocalDrainOptions extends LocalStageWiring {
  /** The simulated node groups: their lifecycle actions, and their instances' node names. */
  readonly simulation: SimulatedNodeGroups;
  /** Where the control plane confirms: local mode's own `POST /api/drain/complete`, once it listens. */
  readonly callbackUrl: () => string;
}

/** The drain wired for local mode, with its queue's consumer and the confirmation for the HTTP route. */
export interface LocalDrain {
  readonly requests: DrainRequests;
  readonly confirm: DrainConfirm;
  readonly consumer: ReturnType<typeof drainConsumer>;
}

/**
 * Wires the same drain the Lambdas run with local stand-ins: pending drains
 * in the embedded DynamoDB, the simulated groups for Auto Scaling and EC2,
 * and no secret store (a webhook whose signing key is a `_secret` is not
 * sent; give `signing_key` or `signing_key_file` locally).
 */
export function localDrain(options: LocalDrainOptions): LocalDrain {
  const clock = options.clock ?? systemClock;
  const store = new DynamoDrainStore(options.dynamodb, options.tableName);
  const requests = createDrainRequests({
    config: options.config,
    store,
    nodeNames: options.simulation,
    bus: options.bus,
    hookName: LOCAL_DRAIN_HOOK,
    callbackUrl: options.callbackUrl,
    send: drainSendContext({ secrets: new LocalSecretResolver(), clock, log: options.log }),
    clock,
    log: options.log,
  });
  const confirm = createDrainConfirm({ store, lifecycle: options.simulation, bus: options.bus, clock, log: options.log });
  return { requests, confirm, consumer: drainConsumer(requests, { log: options.log, onFailure: options.onFailure }) };
}
