#!/usr/bin/env node
// The alertscale CLI. Runs the TypeScript sources through tsx, so a fresh clone
// needs no build step: `npm ci && npx alertscale --help`.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
