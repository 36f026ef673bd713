import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Log } from '../../shared/log';
import type { PauseSwitch } from '../../scaler/ports';

/** The values of the pause parameter that mean "paused"; anything else (or no parameter) means running. */
export const PAUSED_VALUES = ['on', 'true', 'paused', '1'] as const;

/** True when a parameter value turns the kill switch on. */
export function meansPaused(value: string | undefined): boolean {
  return value !== undefined && (PAUSED_VALUES as readonly string[]).includes(value.trim().toLowerCase());
}

export interface SsmPauseSwitchOptions {
  /** How long a read is trusted, ms. @default 5000 */
  readonly cacheMs?: number;
  readonly now?: () => number;
  readonly log?: Log;
}

/**
 * The kill switch on AWS: an SSM parameter (its name in `PAUSE_PARAMETER_NAME`)
 * whose value `on` or `true` pauses scaling. Operators flip it with
 * `aws ssm put-parameter --overwrite --name <name> --value on`. Reads are
 * cached for a few seconds so a storm of scale requests costs one GetParameter
 * per container every few seconds. A missing parameter means running; any
 * other read error fails the request, so it is retried rather than acting
 * without knowing whether the switch is on.
 */
export class SsmPauseSwitch implements PauseSwitch {
  private cached: { paused: boolean; at: number } | undefined;
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SSMClient,
    private readonly parameterName: string,
    options: SsmPauseSwitchOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  async isPaused(): Promise<boolean> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.paused;
    try {
      const result = await this.client.send(new GetParameterCommand({ Name: this.parameterName }));
      this.cached = { paused: meansPaused(result.Parameter?.Value), at: now };
    } catch (error) {
      if ((error as Error).name !== 'ParameterNotFound') throw error;
      this.cached = { paused: false, at: now };
    }
    return this.cached.paused;
  }
}
