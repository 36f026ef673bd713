import type { LocalStageWiring } from '../local/stage-wiring';
import { systemClock } from '../shared/clock';
import { routerConsumer } from './consumer';
import type { DecisionWriter } from './ports';
import { createRouter } from './router';

/** The router wired for local mode, as its queue's consumer: the same use case the Lambda runs. */
export function localRouter(options: LocalStageWiring & { readonly decisions: DecisionWriter }) {
  const router = createRouter({ config: options.config, decisions: options.decisions, bus: options.bus, clock: options.clock ?? systemClock, log: options.log, metrics: options.metrics });
  return { router, consumer: routerConsumer(router, { log: options.log, onFailure: options.onFailure }) };
}
