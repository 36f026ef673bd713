import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionStore } from '../../lambdas/adapters/dynamodb/decision-store';
import { localTableDefinition } from '../../lambdas/adapters/dynamodb/table';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../lambdas/local/emulators/dynalite';
import type { DecisionRecord } from '../../lambdas/shared/decisions';
import { Env } from '../../lambdas/shared/env';
import { bundleLikeTheStack } from '../cold-start/bundle';
import { captureEvents, writeEventFiles, type CapturedEvents, type ColdStage } from '../cold-start/capture';
import { startFakeAws } from '../cold-start/fake-aws';
import { benchConfig, ROUTING_KEY, ROUTING_KEY_SECRET } from '../lib/config';
import { BENCH_TOKEN } from '../lib/local-mode';
import { median, round } from '../lib/stats';

const DRIVER = fileURLToPath(new URL('../cold-start/driver.mjs', import.meta.url));
/** Where to write a CPU profile of every run (`--cpu-prof`), one folder per bundle; see bench/cold-start/profile-summary.mjs. */
const PROFILE_DIR = process.env.BENCH_COLD_PROFILE;
const TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:alertscale-webhook-token';

/** The Lambda functions of the stack: entry, and the SDK-only twin it is compared with. */
const FUNCTIONS = [
  { name: 'ingest', entry: 'lambdas/ingest/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-ingest.ts' },
  { name: 'router', entry: 'lambdas/router/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-router.ts' },
  { name: 'scaler', entry: 'lambdas/scaler/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-scaler.ts' },
  { name: 'notifier', entry: 'lambdas/notifier/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-notifier.ts' },
] as const;
type FunctionName = (typeof FUNCTIONS)[number]['name'];

/** One Lambda function's cold start beside its SDK-only twin. */
export interface ColdStartRow {
  readonly function: string;
  readonly bundleBytes: number;
  readonly sdkOnlyBundleBytes: number;
  /** Medians over the runs, ms: import of the bundle + the first invocation, inside the fresh process. */
  readonly loadAndFirstCallMs: number;
  readonly sdkOnlyLoadAndFirstCallMs: number;
  /** Medians, ms: from the process's start (Node's own boot included) to the first answer. */
  readonly processMs: number;
  readonly sdkOnlyProcessMs: number;
  /** Median load + first call over the twin's: the figure. */
  readonly ratio: number;
  /** The median of each run's own ratio (handler and twin run back to back), which load drifting between runs cannot skew. */
  readonly pairedRatio: number;
  readonly processRatio: number;
  /** Medians, ms: the import alone, and the first invocation alone, for the handler and its twin. */
  readonly loadMs: number;
  readonly firstCallMs: number;
  readonly sdkOnlyLoadMs: number;
  readonly sdkOnlyFirstCallMs: number;
}

/** Every function's cold start, the empty handler's, and any first call that failed. */
export interface ColdStartResult {
  readonly method: string;
  readonly runs: number;
  readonly rows: ColdStartRow[];
  readonly empty: { bundleBytes: number; loadAndFirstCallMs: number; processMs: number };
  readonly errors: string[];
}

interface DriverOutcome {
  ok: boolean;
  loadMs?: number;
  invokeMs?: number;
  sinceProcessStartMs?: number;
  result?: { statusCode?: number; batchItemFailures?: unknown[] };
  error?: string;
}

/** One fresh Node process: import the bundle, call its handler once with the event, report the timings. */
function runDriver(bundlePath: string, eventFile: string, env: NodeJS.ProcessEnv, profileDir?: string): Promise<DriverOutcome> {
  // --enable-source-maps: the stack sets it in NODE_OPTIONS, so Lambda loads each bundle with it.
  const execArgv = ['--enable-source-maps', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=100'] : [])];
  return new Promise((resolve, reject) => {
    const child = fork(DRIVER, [bundlePath, 'handler', eventFile], { env, execArgv, stdio: ['ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let outcome: DriverOutcome | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env.BENCH_DEBUG) process.stderr.write(chunk);
    });
    child.on('message', (message) => (outcome = message as DriverOutcome));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', () => {
      clearTimeout(timer);
      if (outcome) resolve(outcome);
      else reject(new Error(`driver for ${bundlePath} exited without a result: ${stderr.slice(0, 2000)}`));
    });
  });
}

/** What each function's process is given: fake credentials, the loopback stand-ins, its own fresh table. */
function functionEnv(fn: FunctionName, table: string, fakeUrl: string, dynamoEndpoint: string, pagerdutyUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: fakeUrl,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: `alertscale-${fn}`,
    POWERTOOLS_SERVICE_NAME: `alertscale-${fn}`,
    [Env.EventBusName]: 'alertscale',
    [Env.TableName]: table,
    [Env.WebhookTokenSecretArn]: TOKEN_SECRET_ARN,
    [Env.PauseParameterName]: '/alertscale/paused',
    [Env.SnsTopicArn]: 'arn:aws:sns:us-east-1:000000000000:alertscale-notifications',
    BENCH_PAGERDUTY_URL: pagerdutyUrl,
  };
}

/**
 * A fresh table for one process, holding what a first delivery of its event finds: nothing for
 * ingest and the router; the decisions its request serves, created as the router creates them,
 * for the scaler and the notifier.
 */
async function freshTable(dynamo: EmbeddedDynamo, table: string, fn: FunctionName, captured: CapturedEvents): Promise<void> {
  await dynamo.client.send(new CreateTableCommand(localTableDefinition(table)));
  const seeds: readonly DecisionRecord[] = fn === 'scaler' ? captured.scaleDecisions : fn === 'notifier' ? captured.notifyDecisions : [];
  const store = new DynamoDecisionStore(dynamo.client, table);
  const now = new Date();
  for (const decision of seeds) await store.create(decision, now);
}

type Samples = { inside: number[]; process: number[]; load: number[]; invoke: number[] };

/** Keeps a successful run's timings (and says so); a failed first call (non-200, batch item failures) is an error instead. */
function recorder(samples: Map<string, Samples>, errors: string[]) {
  return (key: string, outcome: DriverOutcome): boolean => {
    const failures = outcome.result?.batchItemFailures?.length ?? 0;
    const status = outcome.result?.statusCode ?? 200;
    if (!outcome.ok || failures > 0 || status !== 200) {
      if (errors.length < 10) errors.push(`${key}: ${outcome.error ?? JSON.stringify(outcome.result)}`);
      return false;
    }
    const s = samples.get(key) ?? { inside: [], process: [], load: [], invoke: [] };
    s.inside.push(outcome.loadMs! + outcome.invokeMs!);
    s.process.push(outcome.sinceProcessStartMs!);
    s.load.push(outcome.loadMs!);
    s.invoke.push(outcome.invokeMs!);
    samples.set(key, s);
    return true;
  };
}

/** Builds every handler bundle, its SDK-only twin and the empty handler; bundle path by key (`router`, `sdk-router`, `empty`). */
async function bundleAll(work: string, pagerdutyUrl: string): Promise<Map<string, string>> {
  // The bundles embed the validated bench config, with the key in (fake) Secrets Manager, as on AWS.
  const config = benchConfig({ pagerdutyUrl, routingKey: 'secret' });
  const bundles = new Map<string, string>();
  for (const fn of FUNCTIONS) {
    bundles.set(fn.name, await bundleLikeTheStack(fn.entry, join(work, fn.name), config));
    bundles.set(`sdk-${fn.name}`, await bundleLikeTheStack(fn.sdkOnly, join(work, `sdk-${fn.name}`), config));
  }
  bundles.set('empty', await bundleLikeTheStack('bench/cold-start/entries/empty.ts', join(work, 'empty'), config));
  return bundles;
}

function rowsOf(samples: Map<string, Samples>, bundles: Map<string, string>, pairs: Map<string, number[]>): ColdStartRow[] {
  const size = (key: string) => statSync(bundles.get(key)!).size;
  const med = (key: string, field: keyof Samples) => round(median(samples.get(key)?.[field] ?? []));
  return FUNCTIONS.map((fn): ColdStartRow => {
    const twin = `sdk-${fn.name}`;
    return {
      function: fn.name,
      bundleBytes: size(fn.name),
      sdkOnlyBundleBytes: size(twin),
      loadAndFirstCallMs: med(fn.name, 'inside'),
      sdkOnlyLoadAndFirstCallMs: med(twin, 'inside'),
      processMs: med(fn.name, 'process'),
      sdkOnlyProcessMs: med(twin, 'process'),
      ratio: round(med(fn.name, 'inside') / med(twin, 'inside'), 2),
      pairedRatio: round(median(pairs.get(fn.name) ?? []), 2),
      processRatio: round(med(fn.name, 'process') / med(twin, 'process'), 2),
      loadMs: med(fn.name, 'load'),
      firstCallMs: med(fn.name, 'invoke'),
      sdkOnlyLoadMs: med(twin, 'load'),
      sdkOnlyFirstCallMs: med(twin, 'invoke'),
    };
  });
}

/**
 * Cold starts: each Lambda bundle's size and its cold load + first invocation in a fresh
 * process, beside its SDK-only twin and an empty handler. Handler and twin run back to back in
 * each run (in alternating order), so both see the same machine load.
 */
export async function runColdStart(runs: number, pagerduty: { url: string }, progress: (line: string) => void): Promise<ColdStartResult> {
  const work = mkdtempSync(join(tmpdir(), 'alertscale-bench-cold-'));
  const dynamo = await startEmbeddedDynamo();
  const fake = await startFakeAws({ [TOKEN_SECRET_ARN]: BENCH_TOKEN, [ROUTING_KEY_SECRET]: ROUTING_KEY });
  const errors: string[] = [];
  const samples = new Map<string, Samples>();
  const pairs = new Map<string, number[]>();
  const record = recorder(samples, errors);
  try {
    progress("cold start: bundling each handler, its SDK-only twin and an empty handler with esbuild (the stack's options)");
    const bundles = await bundleAll(work, pagerduty.url);
    const captured = await captureEvents(pagerduty.url);
    const eventFiles: Record<ColdStage, string> = writeEventFiles(work, captured);
    for (let run = 0; run < runs; run++) {
      progress(`cold start: run ${run + 1}/${runs}`);
      for (const fn of FUNCTIONS) {
        const inside = new Map<string, number>();
        // Which of the two goes first alternates, so neither always runs on the other's warm file cache.
        const variants = run % 2 === 0 ? [fn.name, `sdk-${fn.name}`] : [`sdk-${fn.name}`, fn.name];
        for (const variant of variants) {
          // A fresh table per process: every first invocation finds what a first delivery finds.
          const table = `cold-${run}-${variant}`;
          await freshTable(dynamo, table, fn.name, captured);
          const profileDir = PROFILE_DIR && join(PROFILE_DIR, variant);
          const outcome = await runDriver(bundles.get(variant)!, eventFiles[fn.name], functionEnv(fn.name, table, fake.url, dynamo.endpoint, pagerduty.url), profileDir);
          if (record(variant, outcome)) inside.set(variant, outcome.loadMs! + outcome.invokeMs!);
        }
        const [own, twin] = [inside.get(fn.name), inside.get(`sdk-${fn.name}`)];
        if (own !== undefined && twin !== undefined) pairs.set(fn.name, [...(pairs.get(fn.name) ?? []), own / twin]);
      }
      record('empty', await runDriver(bundles.get('empty')!, eventFiles.empty, { PATH: process.env.PATH }));
    }
    const emptyMed = (field: keyof Samples) => round(median(samples.get('empty')?.[field] ?? []));
    return {
      method:
        "esbuild API with the options of lib/alertscale-function.ts (bundle, platform node, ESM, target node22, mainFields module,main, minify, sourcemap, the createRequire banner, the validated config embedded with define, the AWS SDK external as the runtime provides it); run with --enable-source-maps as the stack's NODE_OPTIONS sets. Events captured from local mode (Alertmanager Notification, Scale Requested, Notify Requested); the scaler's and notifier's tables seeded with their decisions through DecisionWriter.create. The scaler's launchUnsuccessfulHandler is the same bundle as the scaler's handler.",
      runs,
      rows: rowsOf(samples, bundles, pairs),
      empty: { bundleBytes: statSync(bundles.get('empty')!).size, loadAndFirstCallMs: emptyMed('inside'), processMs: emptyMed('process') },
      errors,
    };
  } finally {
    await fake.close();
    await dynamo.stop();
    if (process.env.BENCH_KEEP_COLD) progress(`cold start: bundles and events kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}
