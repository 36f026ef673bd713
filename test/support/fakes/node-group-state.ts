import type { NodeGroupStateStore } from '../../../lambdas/scaler/ports';
import { emptyState, type NodeGroupState } from '../../../lambdas/scaler/state';

/** Node-group state items in memory, with the DynamoDB adapter's conditional semantics (a stale version loses). */
export class InMemoryNodeGroupStateStore implements NodeGroupStateStore {
  private readonly items = new Map<string, NodeGroupState>();

  async get(nodeGroup: string): Promise<NodeGroupState> {
    const item = this.items.get(nodeGroup);
    return item ? structuredClone(item) : emptyState();
  }

  async put(nodeGroup: string, next: NodeGroupState, expectedVersion: number): Promise<boolean> {
    const current = this.items.get(nodeGroup)?.version ?? 0;
    if (current !== expectedVersion) return false;
    this.items.set(nodeGroup, structuredClone(next));
    return true;
  }
}
