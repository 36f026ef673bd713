import type { DecisionWriter, StepClaim } from '../../../lambdas/router/ports';
import type { DecisionLookup } from '../../../lambdas/scaler/ports';
import type { ActionRecord, ActionRecorder, DecisionRecord } from '../../../lambdas/shared/decisions';

/**
 * Decisions in memory, for every role the stages use: what the router writes
 * (`recordDelivery`, `claimStep`, first write wins, expired counts as absent),
 * what the scaler and notifier record and read back, and what the read API
 * lists. Unlike DynamoDB, an action may be recorded on a decision the fake
 * never saw: the scaler's and notifier's tests run without a router.
 */
export class InMemoryDecisions implements DecisionWriter, ActionRecorder, DecisionLookup {
  private readonly records = new Map<string, DecisionRecord>();

  /** How many times each method was called: a duplicate delivery must cost no write. */
  readonly calls = { getMany: 0, create: 0, claimStep: 0, recordAction: 0 };

  async getMany(decisionIds: readonly string[], now: Date = new Date()): Promise<ReadonlyMap<string, DecisionRecord>> {
    this.calls.getMany += 1;
    const live = decisionIds.flatMap((id) => {
      const record = this.records.get(id);
      return record && record.expiresAt > now.getTime() / 1000 ? [[id, record] as const] : [];
    });
    return new Map(live);
  }

  async create(decision: DecisionRecord, now: Date): Promise<boolean> {
    this.calls.create += 1;
    const known = this.records.get(decision.decisionId);
    if (known && known.expiresAt > now.getTime() / 1000) return false;
    this.records.set(decision.decisionId, decision);
    return true;
  }

  async claimStep(decisionId: string, claim: StepClaim, now: Date): Promise<boolean> {
    this.calls.claimStep += 1;
    const known = this.records.get(decisionId);
    if (!known || known.refireAt !== claim.expectedRefireAt || Date.parse(claim.expectedRefireAt) > now.getTime()) return false;
    const actions = [...known.actions.filter((a) => !claim.actions.some((c) => c.actionId === a.actionId)), ...claim.actions];
    this.records.set(decisionId, { ...known, refireAt: claim.nextRefireAt, step: claim.step, actions, stepEventId: claim.eventId, updatedAt: now.toISOString() });
    return true;
  }

  async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    this.calls.recordAction += 1;
    const known = this.records.get(decisionId) ?? skeleton(decisionId);
    const previous = known.actions.find((a) => a.actionId === action.actionId);
    const actions = previous ? known.actions.map((a) => (a.actionId === action.actionId ? { ...a, ...action } : a)) : [...known.actions, action];
    this.records.set(decisionId, { ...known, actions });
  }

  async get(decisionId: string): Promise<DecisionRecord | undefined> {
    return this.records.get(decisionId);
  }

  /** Newest first, as the read API lists them. */
  async listRecent(limit: number): Promise<readonly DecisionRecord[]> {
    return [...this.records.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  /** Every action recorded on a decision, in the order they were first recorded. */
  actionsOf(decisionId: string): readonly ActionRecord[] {
    return this.records.get(decisionId)?.actions ?? [];
  }

  /** One action of a decision, or (without an id) its first. */
  action(decisionId: string, actionId?: string): ActionRecord | undefined {
    const actions = this.actionsOf(decisionId);
    return actionId === undefined ? actions[0] : actions.find((a) => a.actionId === actionId);
  }

  /** Every decision id with a record. */
  get decisionIds(): string[] {
    return [...this.records.keys()];
  }
}

function skeleton(decisionId: string): DecisionRecord {
  return {
    decisionId,
    fingerprint: 'fp',
    startsAt: '2025-01-01T00:00:00.000Z',
    status: 'firing',
    labels: {},
    receivers: [],
    actions: [],
    step: 1,
    createdAt: '',
    updatedAt: '',
    expiresAt: Number.MAX_SAFE_INTEGER,
  };
}
