import type { ActionRecord, DecisionRecord } from '../shared/decisions';

/** What recording one alert delivery came to: a new occurrence, or another copy of a known one. */
export type DeliveryResult =
  | { readonly kind: 'new'; readonly decision: DecisionRecord }
  | { readonly kind: 'duplicate'; readonly decision: DecisionRecord };

/** A step a still-firing alert claims once its cooldown has passed. */
export interface StepClaim {
  readonly expectedRefireAt: string;
  readonly nextRefireAt: string;
  readonly step: number;
  readonly actions: readonly ActionRecord[];
  readonly eventId?: string | undefined;
}

/** What the router writes: one decision per alert occurrence, deduplicated by the write itself. */
export interface DecisionWriter {
  /**
   * Records one delivery of an occurrence in a single conditional write: the
   * first creates the decision (with its requested actions), every later one
   * only counts as a duplicate. Expired records count as absent.
   */
  recordDelivery(decision: DecisionRecord, now: Date, origin?: { readonly eventId?: string | undefined }): Promise<DeliveryResult>;
  /**
   * Claims the next step of a still-firing alert: succeeds for exactly one
   * caller when `refireAt` is still `expectedRefireAt` and has passed.
   */
  claimStep(decisionId: string, claim: StepClaim, now: Date): Promise<boolean>;
}
