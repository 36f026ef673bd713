import type { DrainRecord, DrainStatus, DrainStore } from '../../../lambdas/drain/ports';

/** Pending drains in memory, with the DynamoDB adapter's conditions (this drain, this status; expired counts as absent). */
export class InMemoryDrainStore implements DrainStore {
  readonly items = new Map<string, DrainRecord>();

  async get(instanceId: string, now: Date): Promise<DrainRecord | undefined> {
    const item = this.items.get(instanceId);
    return item && item.expiresAt > now.getTime() / 1000 ? structuredClone(item) : undefined;
  }

  async create(record: DrainRecord, now: Date): Promise<boolean> {
    const known = await this.get(record.instanceId, now);
    if (known?.drainId === record.drainId) return false;
    this.items.set(record.instanceId, structuredClone(record));
    return true;
  }

  async markNotified(instanceId: string, drainId: string, at: string): Promise<void> {
    const item = this.items.get(instanceId);
    if (item?.drainId === drainId) this.items.set(instanceId, { ...item, notifiedAt: at });
  }

  async noteRound(instanceId: string, drainId: string, rounds: number): Promise<void> {
    const item = this.items.get(instanceId);
    if (item?.drainId === drainId) this.items.set(instanceId, { ...item, rounds });
  }

  async transition(instanceId: string, drainId: string, from: DrainStatus, to: DrainStatus, fields: { readonly at?: string; readonly reason?: string }): Promise<boolean> {
    const item = this.items.get(instanceId);
    if (item?.drainId !== drainId || item.status !== from) return false;
    const { completedAt: _c, reason: _r, ...rest } = item;
    this.items.set(instanceId, { ...(to === 'pending' ? rest : item), status: to, ...(fields.at !== undefined ? { completedAt: fields.at } : {}), ...(fields.reason !== undefined ? { reason: fields.reason } : {}) });
    return true;
  }
}
