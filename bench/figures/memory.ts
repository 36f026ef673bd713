import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { round } from '../lib/stats';

const SOAK = fileURLToPath(new URL('../memory/soak.ts', import.meta.url));

/** The soak's heap readings, settings and samples. */
export interface MemoryResult {
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly alertsPerSecond: number;
  readonly notificationsSent: number;
  /** Notifications posted first to fill local mode's ring of the newest bus events, before the warm-up. */
  readonly eventRingFilledWith: number;
  readonly non2xx: number;
  readonly deadLetters: number;
  readonly backlogAtEnd: number;
  readonly heapAfterWarmupMb: number;
  readonly heapAtEndMb: number;
  readonly growthMb: number;
  readonly growthPercent: number;
  readonly rssAfterWarmupMb: number;
  readonly rssAtEndMb: number;
  readonly samples: { atMs: number; heapUsedMb: number; depth: number }[];
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 2);

/** Memory: heap of local mode after its bounded buffers are full and a warm-up, and after a sustained load, in a fresh `node --expose-gc` process. */
export function runMemory(options: { warmupMs: number; durationMs: number; notificationsPerSecond: number }): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SOAK, [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: {
        ...process.env,
        BENCH_SOAK_WARMUP_MS: String(options.warmupMs),
        BENCH_SOAK_MS: String(options.durationMs),
        BENCH_SOAK_RATE: String(options.notificationsPerSecond),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: MemoryResult | undefined;
    // Bounded: warm-up, load, and five minutes to drain and report.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.warmupMs + options.durationMs + 300_000);
    child.on('message', (message) => {
      const m = message as {
        warmupMs: number; durationMs: number; alertsPerSecond: number; notificationsSent: number; eventRingFilledWith: number; non2xx: number; deadLetters: number; backlogAtEnd: number;
        afterWarmup: { heapUsed: number; rss: number }; atEnd: { heapUsed: number; rss: number }; samples: { atMs: number; heapUsed: number; depth: number }[];
      };
      const growth = m.atEnd.heapUsed - m.afterWarmup.heapUsed;
      result = {
        warmupMs: m.warmupMs,
        durationMs: m.durationMs,
        alertsPerSecond: m.alertsPerSecond,
        notificationsSent: m.notificationsSent,
        eventRingFilledWith: m.eventRingFilledWith,
        non2xx: m.non2xx,
        deadLetters: m.deadLetters,
        backlogAtEnd: m.backlogAtEnd,
        heapAfterWarmupMb: mb(m.afterWarmup.heapUsed),
        heapAtEndMb: mb(m.atEnd.heapUsed),
        growthMb: mb(growth),
        growthPercent: round((growth / m.afterWarmup.heapUsed) * 100, 1),
        rssAfterWarmupMb: mb(m.afterWarmup.rss),
        rssAtEndMb: mb(m.atEnd.rss),
        samples: m.samples.map((s) => ({ atMs: s.atMs, heapUsedMb: mb(s.heapUsed), depth: s.depth })),
      };
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`the soak process exited (${code}) without a result`));
    });
  });
}
