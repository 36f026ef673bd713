import type { Stack } from 'aws-cdk-lib';
import { InfrastructureError } from './errors';

/**
 * The physical names alertscale must choose itself, because people and other
 * tools type them: the bus (subscribers' rules name it), the kill-switch
 * parameter (`aws ssm put-parameter`) and the dashboard. Everything else is
 * left for CloudFormation to name. Each is derived from the stack's name and
 * an optional prefix, in kebab case, so two stacks (`AlertscaleStaging`,
 * `AlertscaleProd`) deploy side by side in one account and region
 * (`alertscale-staging`, `alertscale-prod`), and the default stack
 * `Alertscale` keeps the names it always had (`alertscale`,
 * `/alertscale/paused`): renaming the bus would replace it and its archive.
 * The stack outputs them.
 */
export interface StackNames {
  /** `<prefix>-<stack name>` in kebab case (`team-gpu-alertscale-prod`), or the stack name alone. */
  readonly base: string;
  /** The custom event bus. */
  readonly eventBus: string;
  /** The kill-switch parameter, `/<base>/paused`. */
  readonly pauseParameter: string;
  /** The CloudWatch dashboard. */
  readonly dashboard: string;
}

/**
 * Letters, digits and hyphens, starting with a letter: the characters that a
 * bus name, a parameter path segment and a dashboard name all accept.
 */
const PREFIX = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

/** The names of `stack`'s named resources, with `prefix` (context `alertscale:prefix`) in front when given. */
export function stackNames(stack: Stack, prefix?: string): StackNames {
  if (prefix !== undefined && !PREFIX.test(prefix)) {
    throw new InfrastructureError(
      `name prefix ${JSON.stringify(prefix)} (context alertscale:prefix) cannot name the bus, the kill-switch parameter and the dashboard: use 1-32 letters, digits and hyphens, starting with a letter`,
    );
  }
  const base = kebabCase(prefix === undefined ? stack.stackName : `${prefix}-${stack.stackName}`);
  return { base, eventBus: base, pauseParameter: `/${base}/paused`, dashboard: base };
}

/** `AlertscaleProd` → `alertscale-prod`; hyphens already there stay single. */
function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/-+/g, '-')
    .toLowerCase();
}
