import type { NodeGroupStateStore } from '../../scaler/ports';
import { emptyState, type NodeGroupState } from '../../scaler/state';

/**
 * Node-group state items in process memory, with the conditional write
 * `DynamoNodeGroupStateStore` gives DynamoDB: a `put` based on a stale
 * version is refused. Items are copied in and out, as a read from a table
 * would be, so a caller can never change what another one reads.
 */
export class MemoryNodeGroupStateStore implements NodeGroupStateStore {
  private readonly items = new Map<string, NodeGroupState>();

  async get(nodeGroup: string): Promise<NodeGroupState> {
    const item = this.items.get(nodeGroup);
    return item ? structuredClone(item) : emptyState();
  }

  async put(nodeGroup: string, next: NodeGroupState, expectedVersion: number): Promise<boolean> {
    if ((this.items.get(nodeGroup)?.version ?? 0) !== expectedVersion) return false;
    this.items.set(nodeGroup, structuredClone(next));
    return true;
  }
}
