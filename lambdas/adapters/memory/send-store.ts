import type { SendKey, SendRecord, SendStore } from '../../notifier/ports';
import { isExpired } from '../dynamodb/table';

/**
 * What the notifier has sent, in process memory, with the semantics
 * `DynamoSendStore` gives DynamoDB: the first `recordSent` of a key wins, and
 * an expired record counts as absent (it is neither found nor in the way).
 */
export class MemorySendStore implements SendStore {
  protected readonly records = new Map<string, SendRecord>();

  private static key(key: SendKey): string {
    return `${key.decisionId}#${key.actionId}`;
  }

  async find(key: SendKey, now: Date): Promise<SendRecord | undefined> {
    const record = this.records.get(MemorySendStore.key(key));
    return record && !isExpired(record.expiresAt, now) ? record : undefined;
  }

  async recordSent(record: SendRecord, now: Date): Promise<boolean> {
    const known = this.records.get(MemorySendStore.key(record));
    if (known && !isExpired(known.expiresAt, now)) return false;
    this.records.set(MemorySendStore.key(record), record);
    return true;
  }
}
