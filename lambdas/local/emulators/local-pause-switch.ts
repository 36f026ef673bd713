import type { PauseSwitch } from '../../scaler/ports';

/** The kill switch in local mode: a flag, flipped by the CLI or the HTTP API. */
export class LocalPauseSwitch implements PauseSwitch {
  constructor(private paused = false) {}

  async isPaused(): Promise<boolean> {
    return this.paused;
  }

  set(paused: boolean): void {
    this.paused = paused;
  }
}
