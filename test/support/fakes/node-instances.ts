import type { NodeInstances } from '../../../lambdas/scaler/ports';

/** EC2's private DNS names in memory: node name → instance ids, with a scripted failure. */
export class FakeNodeInstances implements NodeInstances {
  readonly lookups: string[] = [];
  /** Thrown by the next lookup, once. */
  failNext: Error | undefined;

  constructor(private readonly byName: Record<string, readonly string[]> = {}) {}

  async instanceIdsOf(nodeName: string): Promise<readonly string[]> {
    this.lookups.push(nodeName);
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return this.byName[nodeName] ?? [];
  }
}
