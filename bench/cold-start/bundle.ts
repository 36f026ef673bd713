import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Config } from '../../lambdas/shared/config/schema';
import { Env } from '../../lambdas/shared/env';
import { BUNDLE_EXTERNALS, ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../../lib/alertscale-function';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles `entry` (relative to the repository) exactly as lib/alertscale-function.ts has
 * NodejsFunction do it: esbuild, ESM, target node22, minified, source map, the createRequire
 * banner, the validated config embedded with `define`, the AWS SDK left to the runtime. The
 * project's node_modules stands in for the runtime's SDK, linked beside the bundle. Resolves
 * to the bundle's path.
 */
export async function bundleLikeTheStack(entry: string, outdir: string, config: Config): Promise<string> {
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
