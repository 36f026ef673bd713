import { MemorySendStore } from '../../../lambdas/adapters/memory/send-store';
import type { SendRecord } from '../../../lambdas/notifier/ports';

/** Sends in memory: the runtime's adapter (first write wins, expired counts as absent), with its records open to tests. */
export class InMemorySendStore extends MemorySendStore {
  /** Every send recorded, by `decisionId#actionId`. */
  get sent(): ReadonlyMap<string, SendRecord> {
    return this.records;
  }
}
