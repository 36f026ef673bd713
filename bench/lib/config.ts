import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../lambdas/shared/config/load';
import type { Config } from '../../lambdas/shared/config/schema';

const CONFIG_PATH = fileURLToPath(new URL('../config/bench.yml', import.meta.url));

export interface BenchConfigOptions {
  /** Where the fake PagerDuty listens (`http://127.0.0.1:port/v2/enqueue`). */
  readonly pagerdutyUrl: string;
  /** Local mode sends with an inline key; the Lambda bundles read it from (fake) Secrets Manager. */
  readonly routingKey: 'inline' | 'secret';
}

/** The routing key the fake PagerDuty expects. */
export const ROUTING_KEY = 'bench-routing-key-0123456789abcdef';
export const ROUTING_KEY_SECRET = 'alertscale/pagerduty';

function text(options: BenchConfigOptions): string {
  return readFileSync(CONFIG_PATH, 'utf8')
    .replaceAll('${PAGERDUTY_URL}', options.pagerdutyUrl)
    .replaceAll('${ROUTING_KEY_SOURCE}', options.routingKey === 'inline' ? `routing_key: ${ROUTING_KEY}` : `routing_key_secret: ${ROUTING_KEY_SECRET}`);
}

/** The validated benchmark configuration. */
export function benchConfig(options: BenchConfigOptions): Config {
  return parseConfigText(text(options), CONFIG_PATH).config;
}
