/**
 * History as replay runs it: moments in time, each a webhook Alertmanager
 * sent (as recorded, captured from the bus, or made from a scenario) or a
 * change of a simulated group's capacity (scenarios only), in the order they
 * happened. The readers in `inputs/` build it; `replay` runs it.
 */

/** Where an entry or a problem came from: the input's name and, when it has lines, the line. */
export interface HistorySource {
  readonly file: string;
  readonly line?: number | undefined;
}

/** One webhook as ingest accepted it: when, and the JSON body Alertmanager posted. */
export interface WebhookEntry {
  readonly kind: 'webhook';
  /** Epoch ms of `receivedAt`. */
  readonly at: number;
  readonly receivedAt: string;
  readonly body: unknown;
  readonly source: HistorySource;
}

/** From `at` on, the simulated group refuses new capacity (or takes it again), as `PUT /api/capacity` does locally. */
export interface CapacityEntry {
  readonly kind: 'capacity';
  readonly at: number;
  readonly nodeGroup: string;
  readonly refuse: boolean;
  readonly source: HistorySource;
}

export type HistoryEntry = WebhookEntry | CapacityEntry;

/** Something in the inputs replay could not use, and why; the rest still runs. */
export interface InputProblem extends HistorySource {
  readonly message: string;
}

/** What the inputs came to. */
export interface History {
  /** In time order; entries of the same instant keep the order they were read in. */
  readonly entries: readonly HistoryEntry[];
  readonly problems: readonly InputProblem[];
  /** Things read that are not history (bus events of other detail-types), counted, not reported one by one. */
  readonly ignored: number;
  /** The horizon node-hours are counted over, epoch ms: the first moment, and the last (a scenario's end). */
  readonly from: number;
  readonly to: number;
}

/** A history of `entries` (sorted here, stably), with the problems met reading them. */
export function historyOf(entries: readonly HistoryEntry[], problems: readonly InputProblem[] = [], options: { readonly ignored?: number; readonly to?: number } = {}): History {
  const sorted = entries.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.at - b.entry.at || a.index - b.index).map(({ entry }) => entry);
  const from = sorted[0]?.at ?? 0;
  const last = sorted[sorted.length - 1]?.at ?? from;
  return { entries: sorted, problems, ignored: options.ignored ?? 0, from, to: Math.max(last, options.to ?? last) };
}

/** A history of recorded webhooks, as `serve --record` writes them: what a benchmark hands `replay`. */
export function historyOfWebhooks(recorded: readonly { readonly receivedAt: string; readonly body: unknown }[], file = 'webhooks'): History {
  return historyOf(recorded.map((webhook, i) => ({ kind: 'webhook', at: Date.parse(webhook.receivedAt), receivedAt: webhook.receivedAt, body: webhook.body, source: { file, line: i + 1 } })));
}
