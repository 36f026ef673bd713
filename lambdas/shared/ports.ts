import type { BusEvent } from './events';
import type { LabelSet } from './alertmanager';

/**
 * Ports: the small interfaces the use cases talk to. AWS adapters
 * (`lambdas/adapters/aws/`) take an injected SDK client; local adapters
 * (`lambdas/adapters/local/`) implement the same interfaces in process.
 */

/** Outcome of putting one event: accepted, or the error the bus gave for that entry. */
export type PutOutcome = { readonly ok: true } | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

/** The event bus. `putBatch` takes at most 10 events and reports per entry, like PutEvents. */
export interface EventBus {
  putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]>;
}

/** One action the router decided, and what became of it. */
export interface ActionRecord {
  readonly actionId: string;
  readonly kind: 'scale' | 'notify';
  readonly receiver: string;
  /** Node group for scale actions; channel (`pagerduty`, `slack`, …) for notify actions. */
  readonly target: string;
  /** `requested` until a stage reports; then that stage's outcome (`scaled`, `sent`, `failed`, …). */
  readonly outcome: string;
  readonly at: string;
  readonly detail?: string | undefined;
  readonly from?: number | null | undefined;
  readonly to?: number | null | undefined;
}

/** One record per alert occurrence: the dedupe item and the audit trail in one. */
export interface DecisionRecord {
  readonly decisionId: string;
  readonly fingerprint: string;
  readonly startsAt: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: LabelSet;
  readonly receivers: readonly string[];
  /** Keyed by actionId, in the order they were requested. */
  readonly actions: readonly ActionRecord[];
  /** Further deliveries of this occurrence that were absorbed. */
  readonly duplicates: number;
  /** How many times a still-firing alert has stepped its scale actions. */
  readonly step: number;
  /** When a still-firing alert may step its scale actions again (ISO); absent when it may not. */
  readonly refireAt?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Epoch seconds; DynamoDB deletes the item some time after this. */
  readonly expiresAt: number;
  /** The bus event whose delivery created the record: its redelivery must finish the job, not count as a duplicate. */
  readonly originEventId?: string | undefined;
  /** The bus event that claimed the latest step. */
  readonly stepEventId?: string | undefined;
}

export type DeliveryResult =
  | { readonly kind: 'new'; readonly decision: DecisionRecord }
  | { readonly kind: 'duplicate'; readonly decision: DecisionRecord };

/** Where decisions are kept, deduplicated by occurrence. */
export interface DecisionStore {
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
  claimStep(
    decisionId: string,
    claim: {
      expectedRefireAt: string;
      nextRefireAt: string;
      step: number;
      actions: readonly ActionRecord[];
      eventId?: string | undefined;
    },
    now: Date,
  ): Promise<boolean>;
  /** Sets the outcome of one action on a decision (the action may be new, e.g. a fallback). */
  recordAction(decisionId: string, action: ActionRecord): Promise<void>;
  get(decisionId: string): Promise<DecisionRecord | undefined>;
  /** Newest first. */
  listRecent(limit: number): Promise<readonly DecisionRecord[]>;
}

/** Structured logger (Powertools' Logger fits; tests pass a capturing one). */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** A clock, so that cooldowns and TTLs can be tested at their exact edges. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
