import type { ScaleRequested } from '../shared/events';
import { scalerContext, type ScalerDeps } from './context';
import { handleLaunchFailure, type LaunchUnsuccessfulDetail } from './launch-failure';
import { handleScaleRequest, type ScaleResult } from './scale-request';
import { targetedScaleIn } from './targeted-scale-in';

export type { ScalerDeps } from './context';
export { NodeGroupBusyError } from './node-group-lock';
export { ScalingRetryError, type ScaleResult } from './scale-request';

/** The scaler's use cases, shared by the Lambda handlers and local mode. */
export interface Scaler {
  /** One `Scale Requested` detail. Throws when it must be retried. */
  handleScaleRequested(request: ScaleRequested): Promise<ScaleResult>;
  /** Auto Scaling's `EC2 Instance Launch Unsuccessful` detail (EventBridge direct target or via SQS). */
  handleLaunchUnsuccessful(detail: LaunchUnsuccessfulDetail): Promise<void>;
}

/**
 * Builds the scaler: turns `Scale Requested` into Auto Scaling calls within
 * the guardrails, serialized per node group (see `scale-request.ts`; a
 * scale-in that names its instances, `targeted-scale-in.ts`), and
 * moves capacity that could not be had to the fallback groups (see
 * `launch-failure.ts`).
 */
export function createScaler(deps: ScalerDeps): Scaler {
  const ctx = scalerContext(deps);
  return {
    handleScaleRequested: (request) => handleScaleRequest(ctx, request, targetedScaleIn),
    handleLaunchUnsuccessful: (detail) => handleLaunchFailure(ctx, detail),
  };
}
