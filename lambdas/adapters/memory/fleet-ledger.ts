import type { FleetLedger, FleetNodes } from '../../scaler/ports';

/**
 * The fleet budget's ledger in process memory, with the conditional write
 * `DynamoFleetLedger` gives DynamoDB: a `put` based on a stale version is refused.
 */
export class MemoryFleetLedger implements FleetLedger {
  private item: FleetNodes = { version: 0, groups: {} };

  async get(): Promise<FleetNodes> {
    return { version: this.item.version, groups: { ...this.item.groups } };
  }

  async put(next: FleetNodes, expectedVersion: number): Promise<boolean> {
    if (this.item.version !== expectedVersion) return false;
    this.item = { version: next.version, groups: { ...next.groups } };
    return true;
  }
}
