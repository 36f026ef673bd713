import type { LabelSet } from './alertmanager';

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
  /** Targeted scale-in: the instance the action removed (or refused to). */
  readonly instanceId?: string | undefined;
  /** Targeted scale-in: the node name the alert gave. */
  readonly nodeName?: string | undefined;
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

/**
 * What the scaler and the notifier write on a decision: the outcome of one of
 * its actions (the action may be new, e.g. a capacity fallback or an escalation).
 */
export interface ActionRecorder {
  recordAction(decisionId: string, action: ActionRecord): Promise<void>;
}
