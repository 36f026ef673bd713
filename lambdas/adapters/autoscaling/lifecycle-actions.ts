import { CompleteLifecycleActionCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { LifecycleActionGoneError, type LifecycleAction, type LifecycleActions } from '../../drain/ports';

/**
 * The LifecycleActions port on EC2 Auto Scaling. Build the client with the
 * SDK's standard retries (throttling); what outlasts them is thrown and the
 * control plane is told to retry.
 */
export class AutoScalingLifecycleActions implements LifecycleActions {
  constructor(private readonly client: AutoScalingClient) {}

  async complete(action: LifecycleAction): Promise<void> {
    try {
      await this.client.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: action.asgName,
          LifecycleHookName: action.hookName,
          LifecycleActionToken: action.token,
          InstanceId: action.instanceId,
          LifecycleActionResult: 'CONTINUE',
        }),
      );
    } catch (error) {
      const err = error as Error;
      // Auto Scaling's word for a lifecycle action that has ended (completed, or its heartbeat timed out).
      if (err.name === 'ValidationError' && /no active lifecycle action/i.test(err.message)) {
        throw new LifecycleActionGoneError(`the lifecycle action of instance ${action.instanceId} has ended: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
}
