import type { DecisionWriter, StepClaim } from '../../router/ports';
import type { DecisionLookup } from '../../scaler/ports';
import { systemClock, type Clock } from '../../shared/clock';
import type { ActionRecord, ActionRecorder, DecisionRecord } from '../../shared/decisions';
import { isExpired } from '../dynamodb/table';

/**
 * Decision records in process memory, for a runtime that must not pay for a
 * database (`alertscale replay` runs a day of history in seconds). Every
 * write has the conditions `DynamoDecisionStore` gives DynamoDB, so the
 * router and the scaler behave on it exactly as they do on the table:
 * `create` wins only when no live record exists, `claimStep` only when
 * `refireAt` is still the one read and has passed, `recordAction` updates an
 * action in place or adds it, and never to a record that does not exist. An
 * expired record counts as absent, by the table's own `isExpired`.
 *
 * Actions are kept in the order the table gives them back: by the sequence
 * number it stores with each (its index for the router's first actions, the
 * write's time in ms for later ones), then by action id.
 *
 * Records are kept as immutable values: each write stores a new object, so
 * what a caller read never changes under it (as a DynamoDB read would not).
 */
export class MemoryDecisionStore implements DecisionWriter, ActionRecorder, DecisionLookup {
  protected readonly records = new Map<string, DecisionRecord>();
  /** Each decision's action sequence numbers, by action id: what the table sorts actions by. */
  private readonly seqs = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async getMany(decisionIds: readonly string[], now: Date = this.clock()): Promise<ReadonlyMap<string, DecisionRecord>> {
    const found = new Map<string, DecisionRecord>();
    for (const id of decisionIds) {
      const record = this.live(id, now);
      if (record) found.set(id, record);
    }
    return found;
  }

  async create(decision: DecisionRecord, now: Date): Promise<boolean> {
    if (this.live(decision.decisionId, now)) return false;
    this.seqs.set(decision.decisionId, new Map(decision.actions.map((action, seq) => [action.actionId, seq])));
    this.records.set(decision.decisionId, { ...decision, updatedAt: now.toISOString() });
    return true;
  }

  async claimStep(decisionId: string, claim: StepClaim, now: Date): Promise<boolean> {
    const known = this.records.get(decisionId);
    // DynamoDB's condition: `refireAt = :expected AND refireAt <= :now` (a missing item has no refireAt).
    if (!known || known.refireAt === undefined || Date.parse(known.refireAt) !== Date.parse(claim.expectedRefireAt) || Date.parse(known.refireAt) > now.getTime()) return false;
    const claimed = new Set(claim.actions.map((action) => action.actionId));
    const seqs = this.seqsOf(decisionId);
    claim.actions.forEach((action, i) => seqs.set(action.actionId, now.getTime() + i));
    this.records.set(decisionId, {
      ...known,
      refireAt: claim.nextRefireAt,
      step: claim.step,
      stepEventId: claim.eventId ?? '',
      actions: inTableOrder([...known.actions.filter((action) => !claimed.has(action.actionId)), ...claim.actions], seqs),
      updatedAt: now.toISOString(),
    });
    return true;
  }

  async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    const known = this.records.get(decisionId);
    // A decision that is gone has nothing to record on: the outcome is still on the bus.
    if (!known) return;
    const seqs = this.seqsOf(decisionId);
    if (!seqs.has(action.actionId)) seqs.set(action.actionId, this.clock().getTime());
    this.records.set(decisionId, { ...known, actions: inTableOrder(withAction(known.actions, action), seqs), updatedAt: this.clock().toISOString() });
  }

  async get(decisionId: string): Promise<DecisionRecord | undefined> {
    return this.live(decisionId, this.clock());
  }

  /** Newest first, as the read API lists them (ties by decision id, as the DynamoDB adapter sorts). */
  async listRecent(limit: number): Promise<readonly DecisionRecord[]> {
    return this.all()
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.decisionId.localeCompare(a.decisionId))
      .slice(0, limit);
  }

  /** Every live decision, in the order they were created. */
  all(): DecisionRecord[] {
    const now = this.clock();
    return [...this.records.values()].filter((record) => !isExpired(record.expiresAt, now));
  }

  private seqsOf(decisionId: string): Map<string, number> {
    let seqs = this.seqs.get(decisionId);
    if (!seqs) this.seqs.set(decisionId, (seqs = new Map()));
    return seqs;
  }

  private live(decisionId: string, now: Date): DecisionRecord | undefined {
    const record = this.records.get(decisionId);
    return record && !isExpired(record.expiresAt, now) ? record : undefined;
  }
}

/** Actions sorted as the DynamoDB adapter sorts them: by sequence number, then action id. */
function inTableOrder(actions: ActionRecord[], seqs: ReadonlyMap<string, number>): ActionRecord[] {
  return actions.sort((a, b) => (seqs.get(a.actionId) ?? 0) - (seqs.get(b.actionId) ?? 0) || a.actionId.localeCompare(b.actionId));
}

/**
 * The actions with `action` recorded: an action already there gets the fields
 * given (an absent field keeps its value, as DynamoDB's `SET` of the given
 * fields does) and keeps its place; a new one goes after the others.
 */
function withAction(actions: readonly ActionRecord[], action: ActionRecord): ActionRecord[] {
  const index = actions.findIndex((candidate) => candidate.actionId === action.actionId);
  if (index === -1) return [...actions, action];
  const given = Object.fromEntries(Object.entries(action).filter(([, value]) => value !== undefined));
  return actions.map((candidate, i) => (i === index ? ({ ...candidate, ...given } as ActionRecord) : candidate));
}
