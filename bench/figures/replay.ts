/**
 * Replay throughput: deliveries per second of recorded history through
 * `alertscale replay` (the same router, scaler policy, guardrails, schedules,
 * budgets and time intervals as the live pipeline, on a virtual clock), and
 * the wall time of 24 hours of a busy fleet's history. The command does not
 * exist yet; this slot keeps the figure in the table, as "not measured yet",
 * until it does.
 */
export interface ReplayResult {
  readonly measured: false;
  readonly reason: string;
}

/** Targets: ≥ 5,000 deliveries/s of recorded history; 24 h of a busy fleet's history in under 30 s. */
export const REPLAY_TARGET = { deliveriesPerSecond: 5_000, dayOfHistorySeconds: 30 } as const;

/**
 * Measures replay throughput. To fill it in: record a day of a busy fleet
 * with `serve --record`, run `alertscale replay` on it in a child process,
 * and report deliveries per second and the wall time of the day.
 */
export async function runReplay(): Promise<ReplayResult> {
  return { measured: false, reason: 'not measured yet: alertscale replay does not exist yet' };
}
