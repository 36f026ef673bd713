import * as z from 'zod/mini';

/**
 * The parts of Auto Scaling's own events (default bus, source
 * `aws.autoscaling`) the drain reads: an instance entering `Terminating:Wait`
 * on a termination lifecycle hook, and an instance that has terminated.
 */

export const TERMINATE_LIFECYCLE_ACTION = 'EC2 Instance-terminate Lifecycle Action';
export const TERMINATE_SUCCESSFUL = 'EC2 Instance Terminate Successful';

export const terminateLifecycleActionSchema = z.looseObject({
  LifecycleActionToken: z.string(),
  AutoScalingGroupName: z.string(),
  LifecycleHookName: z.string(),
  EC2InstanceId: z.string(),
  LifecycleTransition: z.string(),
});
export type TerminateLifecycleAction = z.infer<typeof terminateLifecycleActionSchema>;

export const terminateSuccessfulSchema = z.looseObject({
  AutoScalingGroupName: z.string(),
  EC2InstanceId: z.string(),
  Cause: z.optional(z.string()),
  EndTime: z.optional(z.string()),
});
export type TerminateSuccessful = z.infer<typeof terminateSuccessfulSchema>;
