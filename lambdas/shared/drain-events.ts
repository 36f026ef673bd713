import * as z from 'zod/mini';

/**
 * The drain's part of alertscale's public event contract: `Drain Requested`
 * when an instance of a node group with `drain` waits in `Terminating:Wait`
 * and its control plane was asked to drain it, `Drain Completed` when its
 * termination went on, confirmed or after the timeout. Fields only ever grow.
 */

/** What one control-plane webhook's drain request came to. */
export const drainSendSchema = z.object({
  /** Index of the webhook within the receiver's `webhook_configs`. */
  configIndex: z.int().check(z.nonnegative()),
  outcome: z.enum(['sent', 'failed', 'skipped']),
  reason: z.string(),
  attempts: z.int().check(z.nonnegative()),
});
export type DrainSend = z.infer<typeof drainSendSchema>;

/** The instance a drain is about, and where it stands in time. */
const drainSubject = {
  /** Opaque; the control plane confirms with it (and the instance id). */
  drainId: z.string(),
  nodeGroup: z.string(),
  asgName: z.string(),
  instanceId: z.string(),
  /** The node's private DNS name, as Kubernetes names EKS nodes; absent when EC2 no longer knows it. */
  nodeName: z.optional(z.string()),
  /** The drain receiver whose webhooks were asked. */
  receiver: z.string(),
  /** When the instance entered `Terminating:Wait` (ISO). */
  requestedAt: z.string(),
  /** When its termination goes on without a confirmation (ISO): the lifecycle hook's heartbeat timeout. */
  deadline: z.string(),
};

/** detail of `Drain Requested`: the control plane was asked to drain an instance before it terminates. */
export const drainRequestedSchema = z.object({
  ...drainSubject,
  sends: z.array(drainSendSchema),
});
export type DrainRequested = z.infer<typeof drainRequestedSchema>;

/** How a drain ended: the control plane confirmed it, or the timeout let the termination go on. */
export const drainResultSchema = z.enum(['confirmed', 'timeout']);
export type DrainResult = z.infer<typeof drainResultSchema>;

/** detail of `Drain Completed`: the instance's termination went on, and why. */
export const drainCompletedSchema = z.object({
  ...drainSubject,
  result: drainResultSchema,
  /** In words: who confirmed, or that the deadline passed. */
  reason: z.string(),
  completedAt: z.string(),
});
export type DrainCompleted = z.infer<typeof drainCompletedSchema>;
