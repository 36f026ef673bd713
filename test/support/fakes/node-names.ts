import type { NodeNames } from '../../../lambdas/drain/ports';

/** Instance ids to node names in memory. */
export class FakeNodeNames implements NodeNames {
  constructor(private readonly names: Record<string, string> = {}) {}

  async nodeNameOf(instanceId: string): Promise<string | undefined> {
    return this.names[instanceId];
  }
}
