import type { Clock } from '../shared/clock';

/**
 * The clock replay runs the pipeline on: it stands still while the pipeline
 * works and moves only when replay moves it to the next moment of history,
 * so cooldowns, windows and schedules pass in virtual time and a day of
 * history takes as long as its work, not as long as the day.
 */
export class VirtualClock {
  private ms: number;

  constructor(start: number) {
    this.ms = start;
  }

  /** The `Clock` every stage is given. */
  readonly now: Clock = () => new Date(this.ms);

  /** Epoch milliseconds now. */
  get time(): number {
    return this.ms;
  }

  /** Moves to `ms`; never backwards, as no clock a stage trusts may run backwards. */
  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}
