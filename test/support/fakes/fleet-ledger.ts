import type { FleetLedger, FleetNodes } from '../../../lambdas/scaler/ports';

/** The fleet ledger in memory, with the DynamoDB adapter's conditional semantics (a stale version loses). */
export class InMemoryFleetLedger implements FleetLedger {
  private item: FleetNodes = { version: 0, groups: {} };

  async get(): Promise<FleetNodes> {
    return structuredClone(this.item);
  }

  async put(next: FleetNodes, expectedVersion: number): Promise<boolean> {
    if (this.item.version !== expectedVersion) return false;
    this.item = structuredClone(next);
    return true;
  }
}
