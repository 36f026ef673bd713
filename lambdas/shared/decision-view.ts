import type { DecisionRecord } from './decisions';

/**
 * A decision as `GET /api/decisions` shows it: the record without the
 * router's bookkeeping (which bus event created it or claimed its last step),
 * with every time in ISO 8601, and a `note` when it has no action, so an
 * empty `actions` list never leaves the reader guessing.
 */
export type DecisionView = Omit<DecisionRecord, 'expiresAt' | 'originEventId' | 'stepEventId'> & {
  /** When the record may be deleted (DynamoDB's TTL deletes it some time after). */
  readonly expiresAt: string;
  /** Why there is no action, when there is none. */
  readonly note?: string | undefined;
};

/**
 * Every receiver config gives the decision an action record (requested,
 * muted or skipped, with the reason), so a decision has none only when the
 * receivers it matched have no configs at all: a receiver kept to end the
 * route search, as `null` receivers are in many alertmanager.yml files.
 */
function noActionNote(record: DecisionRecord): string | undefined {
  if (record.actions.length > 0) return undefined;
  const names = record.receivers.length > 0 ? record.receivers.join(', ') : 'none';
  return `no action: the receivers it was routed to (${names}) have no scale or channel configs`;
}

/** The public view of one decision record. */
export function decisionView(record: DecisionRecord): DecisionView {
  const note = noActionNote(record);
  return {
    decisionId: record.decisionId,
    fingerprint: record.fingerprint,
    startsAt: record.startsAt,
    status: record.status,
    labels: record.labels,
    receivers: record.receivers,
    actions: record.actions,
    step: record.step,
    ...(record.refireAt !== undefined ? { refireAt: record.refireAt } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: new Date(record.expiresAt * 1000).toISOString(),
    ...(note !== undefined ? { note } : {}),
  };
}
