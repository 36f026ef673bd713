import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { DynamoDecisionStore } from '../../lambdas/adapters/dynamodb/decision-store';
import { localTableDefinition } from '../../lambdas/adapters/dynamodb/table';
import { startEmbeddedDynamo } from '../../lambdas/local/emulators/dynalite';
import type { EventEnvelope } from '../../lambdas/local/emulators/local-bus';
import { DetailType } from '../../lambdas/shared/events';
import { Env } from '../../lambdas/shared/env';
import type { DecisionRecord } from '../../lambdas/shared/decisions';
import { BUNDLE_EXTERNALS, ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../../lib/alertscale-function';
import { startFakeAws } from '../cold-start/fake-aws';
import type { Config } from '../../lambdas/shared/config/schema';
import { benchConfig, ROUTING_KEY, ROUTING_KEY_SECRET } from '../lib/config';
import { startBenchLocalMode, BENCH_TOKEN } from '../lib/local-mode';
import { notification } from '../lib/payloads';
import { median, round } from '../lib/stats';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRIVER = fileURLToPath(new URL('../cold-start/driver.mjs', import.meta.url));
const TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:alertscale-webhook-token';

/** The Lambda functions of the stack: entry, export, and the SDK-only twin it is compared with. */
const FUNCTIONS = [
  { name: 'ingest', entry: 'lambdas/ingest/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-ingest.ts' },
  { name: 'router', entry: 'lambdas/router/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-router.ts' },
  { name: 'scaler', entry: 'lambdas/scaler/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-scaler.ts' },
  { name: 'notifier', entry: 'lambdas/notifier/handler.ts', sdkOnly: 'bench/cold-start/entries/sdk-notifier.ts' },
] as const;
type FunctionName = (typeof FUNCTIONS)[number]['name'];

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
  readonly ratio: number;
  readonly processRatio: number;
  readonly loadMs: number;
  readonly firstCallMs: number;
}

export interface ColdStartResult {
  readonly method: string;
  readonly runs: number;
  readonly rows: ColdStartRow[];
  readonly empty: { bundleBytes: number; loadAndFirstCallMs: number; processMs: number };
  readonly errors: string[];
}

/**
 * Bundles `entry` exactly as lib/alertscale-function.ts has NodejsFunction do it (esbuild, ESM,
 * minified, source map, the AWS SDK left to the runtime). The project's node_modules stands in
 * for the runtime's SDK, linked beside the bundle.
 */
async function bundle(entry: string, outdir: string, config: Config): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    banner: { js: ESM_REQUIRE_BANNER },
    define: { [`process.env.${Env.Config}`]: JSON.stringify(JSON.stringify(config)) },
    external: [...BUNDLE_EXTERNALS],
    outfile,
    logLevel: 'warning',
  });
  if (!existsSync(join(outdir, 'node_modules'))) symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(outdir, 'node_modules'), 'dir');
  return outfile;
}

const sqsRecord = (body: string, fifoGroup?: string) => ({
  messageId: `m-${Math.random().toString(36).slice(2)}`,
  receiptHandle: 'r',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'bench',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
    ...(fifoGroup ? { MessageGroupId: fifoGroup, MessageDeduplicationId: 'd', SequenceNumber: '1' } : {}),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
  awsRegion: 'us-east-1',
});

/** Real events of each stage, captured from local mode running the same code, and the decisions they refer to. */
async function captureEvents(pagerdutyUrl: string) {
  const mode = await startBenchLocalMode({ pagerdutyUrl });
  const seen = new Map<string, EventEnvelope>();
  mode.pipeline.bus.subscribe((event) => {
    if (!seen.has(event['detail-type'])) seen.set(event['detail-type'], event);
  });
  const n = notification('cold', 0);
  await mode.sendFromBothReplicas(n);
  await mode.pipeline.idle();
  const pick = (type: string) => {
    const event = seen.get(type);
    if (!event) throw new Error(`cold start: local mode put no ${type} event on the bus`);
    return event;
  };
  const scale = pick(DetailType.ScaleRequested);
  const notify = pick(DetailType.NotifyRequested);
  const decisionOf = async (event: EventEnvelope) => (await mode.pipeline.decisions.get((event.detail as { decisionId: string }).decisionId))!;
  const captured = {
    webhookBody: n.body,
    alert: pick(DetailType.Alert),
    scale,
    notify,
    scaleDecision: await decisionOf(scale),
    notifyDecision: await decisionOf(notify),
  };
  await mode.stop();
  return captured;
}

interface DriverOutcome {
  ok: boolean;
  loadMs?: number;
  invokeMs?: number;
  sinceProcessStartMs?: number;
  result?: { statusCode?: number; batchItemFailures?: unknown[] };
  error?: string;
}

function runDriver(bundlePath: string, exportName: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<DriverOutcome> {
  return new Promise((resolve, reject) => {
    // --enable-source-maps: the stack sets it in NODE_OPTIONS, so Lambda loads each bundle with it.
    const child = fork(DRIVER, [bundlePath, exportName, eventFile], { env, execArgv: ['--enable-source-maps'], stdio: ['ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore', 'pipe', 'ipc'] });
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

/** Figure 2: each Lambda bundle's size and cold load + first invocation, beside its SDK-only twin and an empty handler. */
export async function runColdStart(runs: number, pagerduty: { url: string }, progress: (line: string) => void): Promise<ColdStartResult> {
  const work = mkdtempSync(join(tmpdir(), 'alertscale-bench-cold-'));
  const dynamo = await startEmbeddedDynamo();
  const fake = await startFakeAws({ [TOKEN_SECRET_ARN]: BENCH_TOKEN, [ROUTING_KEY_SECRET]: ROUTING_KEY });
  const errors: string[] = [];
  try {
    // The bundles embed the validated bench config, with the key in (fake) Secrets Manager, as on AWS.
    const config = benchConfig({ pagerdutyUrl: pagerduty.url, routingKey: 'secret' });
    progress('cold start: bundling each handler, its SDK-only twin and an empty handler with esbuild (the stack\'s options)');
    const bundles = new Map<string, string>();
    for (const fn of FUNCTIONS) {
      bundles.set(fn.name, await bundle(fn.entry, join(work, fn.name), config));
      bundles.set(`sdk-${fn.name}`, await bundle(fn.sdkOnly, join(work, `sdk-${fn.name}`), config));
    }
    bundles.set('empty', await bundle('bench/cold-start/entries/empty.ts', join(work, 'empty'), config));

    const captured = await captureEvents(pagerduty.url);
    const eventFiles: Record<FunctionName | 'empty', string> = {
      ingest: join(work, 'event-ingest.json'),
      router: join(work, 'event-router.json'),
      scaler: join(work, 'event-scaler.json'),
      notifier: join(work, 'event-notifier.json'),
      empty: join(work, 'event-empty.json'),
    };
    writeFileSync(
      eventFiles.ingest,
      JSON.stringify({
        version: '2.0',
        routeKey: 'POST /alertmanager',
        rawPath: '/alertmanager',
        rawQueryString: '',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
        requestContext: { http: { method: 'POST', path: '/alertmanager', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Alertmanager/0.27.0' }, requestId: 'r', routeKey: 'POST /alertmanager', stage: '$default', time: '', timeEpoch: 0 },
        body: captured.webhookBody,
        isBase64Encoded: false,
      }),
    );
    writeFileSync(eventFiles.router, JSON.stringify({ Records: [sqsRecord(JSON.stringify(captured.alert))] }));
    writeFileSync(eventFiles.scaler, JSON.stringify({ Records: [sqsRecord(JSON.stringify(captured.scale), (captured.scale.detail as { action: { nodeGroup?: string } }).action.nodeGroup ?? 'gpu-a100')] }));
    writeFileSync(eventFiles.notifier, JSON.stringify({ Records: [sqsRecord(JSON.stringify(captured.notify))] }));
    writeFileSync(eventFiles.empty, '{}');

    const samples = new Map<string, { inside: number[]; process: number[]; load: number[]; invoke: number[] }>();
    const record = (key: string, outcome: DriverOutcome) => {
      const failures = outcome.result?.batchItemFailures?.length ?? 0;
      const status = outcome.result?.statusCode ?? 200;
      if (!outcome.ok || failures > 0 || status !== 200) {
        if (errors.length < 10) errors.push(`${key}: ${outcome.error ?? JSON.stringify(outcome.result)}`);
        return;
      }
      const s = samples.get(key) ?? { inside: [], process: [], load: [], invoke: [] };
      s.inside.push(outcome.loadMs! + outcome.invokeMs!);
      s.process.push(outcome.sinceProcessStartMs!);
      s.load.push(outcome.loadMs!);
      s.invoke.push(outcome.invokeMs!);
      samples.set(key, s);
    };

    for (let run = 0; run < runs; run++) {
      progress(`cold start: run ${run + 1}/${runs}`);
      for (const fn of FUNCTIONS) {
        for (const variant of [fn.name, `sdk-${fn.name}`]) {
          // A fresh table per process: every first invocation finds what a first delivery finds.
          const table = `cold-${run}-${variant}`;
          await dynamo.client.send(new CreateTableCommand(localTableDefinition(table)));
          const seed = async (decision: DecisionRecord, eventId: string) => {
            const seeded = new DynamoDecisionStore(dynamo.client, table);
            await seeded.recordDelivery({ ...decision, duplicates: 0 }, new Date(), { eventId });
          };
          if (fn.name === 'scaler') await seed(captured.scaleDecision, 'seed');
          if (fn.name === 'notifier') await seed(captured.notifyDecision, 'seed');
          const env: NodeJS.ProcessEnv = {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'bench',
            AWS_SECRET_ACCESS_KEY: 'bench',
            AWS_ENDPOINT_URL: fake.url,
            AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            AWS_LAMBDA_FUNCTION_NAME: `alertscale-${fn.name}`,
            POWERTOOLS_SERVICE_NAME: `alertscale-${fn.name}`,
            [Env.EventBusName]: 'alertscale',
            [Env.TableName]: table,
            [Env.WebhookTokenSecretArn]: TOKEN_SECRET_ARN,
            [Env.PauseParameterName]: '/alertscale/paused',
            [Env.SnsTopicArn]: 'arn:aws:sns:us-east-1:000000000000:alertscale-notifications',
            BENCH_PAGERDUTY_URL: pagerduty.url,
          };
          record(variant, await runDriver(bundles.get(variant)!, 'handler', eventFiles[fn.name], env));
        }
      }
      record('empty', await runDriver(bundles.get('empty')!, 'handler', eventFiles.empty, { PATH: process.env.PATH }));
    }

    const size = (key: string) => statSync(bundles.get(key)!).size;
    const med = (key: string, field: 'inside' | 'process' | 'load' | 'invoke') => round(median(samples.get(key)?.[field] ?? []));
    const rows = FUNCTIONS.map((fn): ColdStartRow => {
      const inside = med(fn.name, 'inside');
      const sdkInside = med(`sdk-${fn.name}`, 'inside');
      return {
        function: fn.name,
        bundleBytes: size(fn.name),
        sdkOnlyBundleBytes: size(`sdk-${fn.name}`),
        loadAndFirstCallMs: inside,
        sdkOnlyLoadAndFirstCallMs: sdkInside,
        processMs: med(fn.name, 'process'),
        sdkOnlyProcessMs: med(`sdk-${fn.name}`, 'process'),
        ratio: round(inside / sdkInside, 2),
        processRatio: round(med(fn.name, 'process') / med(`sdk-${fn.name}`, 'process'), 2),
        loadMs: med(fn.name, 'load'),
        firstCallMs: med(fn.name, 'invoke'),
      };
    });
    return {
      method:
        "esbuild API with the options of lib/alertscale-function.ts (bundle, platform node, ESM, target node22, mainFields module,main, minify, sourcemap, the createRequire banner, the validated config embedded with define, the AWS SDK external as the runtime provides it); run with --enable-source-maps as the stack's NODE_OPTIONS sets. The scaler's launchUnsuccessfulHandler is the same bundle as the scaler's handler.",
      runs,
      rows,
      empty: { bundleBytes: size('empty'), loadAndFirstCallMs: med('empty', 'inside'), processMs: med('empty', 'process') },
      errors,
    };
  } finally {
    await fake.close();
    await dynamo.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
