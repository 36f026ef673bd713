import type { ScaleRequested } from '../shared/events';
import { nextFallback } from './policy';
import type { AppliedAction } from './state';

/** The id of the action a failed increment moves to: derived, so a retry forwards the same action. */
export function fallbackActionId(actionId: string, nodeGroup: string): string {
  const root = actionId.split('/fallback/')[0] ?? actionId;
  return `${root}/fallback/${nodeGroup}`;
}

/** Where an increment that could not be placed goes, and what the reason should say about it. */
export interface Forwarding {
  readonly forwarded?: AppliedAction['forwarded'];
  /** Appended to the outcome's reason: `; +2 moved to fallback group gpu-h100`. */
  readonly note: string;
  /** No group is left in the origin's chain: the increment failed everywhere. */
  readonly exhausted: boolean;
}

/** An increment that cannot be placed on the request's group moves on along its origin's fallback chain. */
export function forwardFrom(fallbacks: ReadonlyMap<string, readonly string[]>, request: ScaleRequested, increment: number): Forwarding {
  if (increment <= 0) return { note: '', exhausted: false };
  const origin = request.fallbackFrom ?? request.nodeGroup;
  const next = nextFallback(fallbacks, origin, request.nodeGroup);
  if (!next) return { note: `; no fallback group left for +${increment}`, exhausted: true };
  return {
    forwarded: { nodeGroup: next, change: increment, actionId: fallbackActionId(request.actionId, next) },
    note: `; +${increment} moved to fallback group ${next}`,
    exhausted: false,
  };
}
