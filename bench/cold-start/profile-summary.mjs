// Where a cold start's time goes: sums the self time of CPU profiles written
// with BENCH_COLD_PROFILE=dir (`node --cpu-prof`) by original source file,
// mapping positions in the minified bundle through its source map. Node's own
// module loading shows as node:internal/…, the SDK as nm:@aws-sdk/….
//
//   node bench/cold-start/profile-summary.mjs <profile dir of one bundle> <bundle index.mjs> [rows]
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

const [dir, bundle, rows = '25'] = process.argv.slice(2);
if (!dir || !bundle) {
  process.stderr.write('usage: profile-summary.mjs <profile dir> <bundle index.mjs> [rows]\n');
  process.exit(2);
}
const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
const bySource = new Map();
let total = 0;

/** The original source of a profile frame: through the source map inside the bundle, else Node's own module URL. */
function sourceOf({ url, lineNumber, columnNumber, functionName }) {
  if (url.endsWith('index.mjs')) {
    const entry = map.findEntry(lineNumber, columnNumber);
    return (entry.originalSource ?? '(bundle)').replace(/.*node_modules\//, 'nm:').replace(/^.*?\/(lambdas|bench)\//, '$1/');
  }
  if (!url) return `(${functionName || 'native'})`;
  return url.replace(/.*node_modules\//, 'nm:');
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  for (const node of profile.nodes) {
    const ms = (self.get(node.id) ?? 0) / 1000;
    total += ms;
    const source = sourceOf(node.callFrame);
    bySource.set(source, (bySource.get(source) ?? 0) + ms);
  }
}
const perRun = (ms) => (ms / files.length).toFixed(1).padStart(7);
for (const [source, ms] of [...bySource].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) process.stdout.write(`${perRun(ms)} ms  ${source}\n`);
process.stdout.write(`${perRun(total)} ms  in all, per run (${files.length} runs)\n`);
