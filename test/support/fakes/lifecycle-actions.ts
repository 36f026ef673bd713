import { LifecycleActionGoneError, type LifecycleAction, type LifecycleActions } from '../../../lambdas/drain/ports';

/** Auto Scaling's lifecycle actions in memory: the ones waiting, by instance, and every completion. */
export class FakeLifecycleActions implements LifecycleActions {
  readonly waiting = new Map<string, LifecycleAction>();
  readonly completed: LifecycleAction[] = [];
  /** Thrown by the next `complete`, once, instead of completing. */
  failNext: Error | undefined;

  async complete(action: LifecycleAction): Promise<void> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    const waiting = this.waiting.get(action.instanceId);
    if (!waiting || waiting.token !== action.token || waiting.hookName !== action.hookName) throw new LifecycleActionGoneError(`No active Lifecycle Action found with token ${action.token}`);
    this.waiting.delete(action.instanceId);
    this.completed.push(action);
  }
}
