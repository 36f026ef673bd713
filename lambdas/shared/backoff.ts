/** Waits `ms` milliseconds. Injected as a dependency where tests must not wait. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): a random wait between 0 and `baseMs × 2^(retry − 1)`,
 * capped at `capMs`, for the `retry`-th retry (1 for the first).
 */
export function fullJitter(retry: number, baseMs: number, capMs = Number.POSITIVE_INFINITY, random: () => number = Math.random): number {
  return random() * Math.min(capMs, baseMs * 2 ** (retry - 1));
}
