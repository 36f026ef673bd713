import { nextTransitions, TRANSITION_HORIZON_MS, type NamedTimeInterval } from '../lambdas/shared/time/intervals';
import { formatInZone } from './times';

/**
 * When each named time interval next starts and ends, for `alertscale
 * check`, so that a user can see that `business-hours` means what they
 * think: `business-hours (Europe/Berlin): not now; next start
 * 2025-03-03T09:00:00+01:00, next end 2025-03-03T18:00:00+01:00`. Times are
 * on the wall clock of the entry's (first) location, with its offset then.
 */

const HORIZON_DAYS = Math.round(TRANSITION_HORIZON_MS / 86_400_000);

/** The zones an entry's intervals are read in, in order, each once; UTC for an entry without intervals. */
function zonesOf(entry: NamedTimeInterval): string[] {
  const zones = [...new Set(entry.intervals.map((interval) => interval.location))];
  return zones.length === 0 ? ['UTC'] : zones;
}

function when(at: Date | undefined, zone: string): string {
  return at === undefined ? `none within ${HORIZON_DAYS} days` : formatInZone(at, zone);
}

/** One line for one named interval, seen from `from`. */
export function describeTimeInterval(entry: NamedTimeInterval, from: Date): string {
  const zones = zonesOf(entry);
  const zone = zones[0]!;
  const name = `${entry.name} (${zones.join(', ')})`;
  const transitions = nextTransitions(entry.intervals, from);
  switch (transitions.kind) {
    case 'always':
      return `${name}: always (holds at every moment of the next ${HORIZON_DAYS} days)`;
    case 'never':
      return `${name}: never (holds at no moment of the next ${HORIZON_DAYS} days)`;
    case 'changes': {
      const start = `next start ${when(transitions.nextStart, zone)}`;
      const end = `next end ${when(transitions.nextEnd, zone)}`;
      return transitions.active ? `${name}: holds now; ${end}, ${start}` : `${name}: not now; ${start}, ${end}`;
    }
  }
}

/** The lines of `check`'s time intervals section, one per named interval, in the configuration's order. */
export function describeTimeIntervals(named: readonly NamedTimeInterval[], from: Date): string[] {
  return named.map((entry) => describeTimeInterval(entry, from));
}
