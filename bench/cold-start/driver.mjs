// A fresh Node process's first invocation of one bundle: load it, call the
// handler once with the event given, report the timings over IPC. Plain
// JavaScript on purpose: no loader between Node and the bundle.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, exportName, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { functionName: 'bench', awsRequestId: 'bench-1', getRemainingTimeInMillis: () => 30_000 };
const started = performance.now();
let outcome;
try {
  const module = await import(pathToFileURL(bundle).href);
  const loaded = performance.now();
  const result = await module[exportName](event, context);
  const done = performance.now();
  outcome = { ok: true, loadMs: loaded - started, invokeMs: done - loaded, sinceProcessStartMs: done, result };
} catch (error) {
  outcome = { ok: false, error: String(error?.stack ?? error) };
}
process.send(outcome, () => process.exit(0));
