import type { ActionRecord, DecisionRecord } from '../shared/decisions';

/** A step a still-firing alert claims once its cooldown has passed. */
export interface StepClaim {
  readonly expectedRefireAt: string;
  readonly nextRefireAt: string;
  readonly step: number;
  readonly actions: readonly ActionRecord[];
  readonly eventId?: string | undefined;
}

/**
 * What the router reads and writes: one decision per alert occurrence. A
 * duplicate delivery costs a share of one batched read; only a new
 * occurrence (or an extra step) is written, conditionally, so two replicas
 * racing create it once.
 */
export interface DecisionWriter {
  /** The live decisions among `decisionIds` (expired ones count as absent), read strongly consistent, in batches. */
  getMany(decisionIds: readonly string[], now: Date): Promise<ReadonlyMap<string, DecisionRecord>>;
  /**
   * Creates the decision in one conditional write, unless a live one exists:
   * `false` when another delivery created it first (read it, it is a duplicate).
   * `originEventId` on the record names the event that created it.
   */
  create(decision: DecisionRecord, now: Date): Promise<boolean>;
  /**
   * Claims the next step of a still-firing alert: succeeds for exactly one
   * caller when `refireAt` is still `expectedRefireAt` and has passed.
   */
  claimStep(decisionId: string, claim: StepClaim, now: Date): Promise<boolean>;
}
