import { MemoryDecisionStore } from '../../../lambdas/adapters/memory/decision-store';
import type { StepClaim } from '../../../lambdas/router/ports';
import type { ActionRecord, DecisionRecord } from '../../../lambdas/shared/decisions';

/**
 * Decisions in memory for every role the stages use: the runtime's
 * `MemoryDecisionStore` (DynamoDB's conditions: first write wins, a step is
 * claimed once, expired counts as absent), counting its calls, with one
 * difference for tests: an action may be recorded on a decision the fake
 * never saw, because the scaler's and notifier's tests run without a router.
 */
export class InMemoryDecisions extends MemoryDecisionStore {
  /** How many times each method was called: a duplicate delivery must cost no write. */
  readonly calls = { getMany: 0, create: 0, claimStep: 0, recordAction: 0 };

  override async getMany(decisionIds: readonly string[], now?: Date): Promise<ReadonlyMap<string, DecisionRecord>> {
    this.calls.getMany += 1;
    return super.getMany(decisionIds, now);
  }

  override async create(decision: DecisionRecord, now: Date): Promise<boolean> {
    this.calls.create += 1;
    return super.create(decision, now);
  }

  override async claimStep(decisionId: string, claim: StepClaim, now: Date): Promise<boolean> {
    this.calls.claimStep += 1;
    return super.claimStep(decisionId, claim, now);
  }

  override async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    this.calls.recordAction += 1;
    if (!this.records.has(decisionId)) this.records.set(decisionId, skeleton(decisionId));
    return super.recordAction(decisionId, action);
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
