import type { SendKey, SendRecord, SendStore } from '../../../lambdas/notifier/ports';

/** Sends in memory, with the DynamoDB adapter's semantics (first write wins). */
export class InMemorySendStore implements SendStore {
  readonly records = new Map<string, SendRecord>();

  private static key(key: SendKey): string {
    return `${key.decisionId}#${key.actionId}`;
  }

  async find(key: SendKey): Promise<SendRecord | undefined> {
    return this.records.get(InMemorySendStore.key(key));
  }

  async recordSent(record: SendRecord): Promise<boolean> {
    if (this.records.has(InMemorySendStore.key(record))) return false;
    this.records.set(InMemorySendStore.key(record), record);
    return true;
  }
}
