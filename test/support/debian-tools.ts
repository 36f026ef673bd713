import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { box, installCommand } from './skipped-suites';

/**
 * Provisioning of the Debian programs some suites run (Alertmanager, amtool,
 * promtool), so that `npm test` on a fresh Debian-family machine needs no
 * separate install step. The global setup (`debian-tools.global.ts`) calls
 * `provisionDebianTools` once per run and hands the PATH it returns to the
 * test workers; everything that runs a command takes a `CommandRunner`, so
 * the unit tests can play apt without touching the system.
 */

/** A program the suites need and the Debian package that ships it. */
export interface DebianTool {
  readonly binary: string;
  readonly package: string;
}

export const DEBIAN_TOOLS: readonly DebianTool[] = [
  { binary: 'prometheus-alertmanager', package: 'prometheus-alertmanager' },
  { binary: 'amtool', package: 'prometheus-alertmanager' },
  { binary: 'promtool', package: 'prometheus' },
];

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion; a failure is an exit code, never a throw. */
export type CommandRunner = (command: string, args: readonly string[], options?: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> }) => Promise<CommandResult>;

/** The real runner: the program's own exit code, 127 when it cannot be started, killed after ten minutes. */
export const systemCommandRunner: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    const env = { ...process.env, ...options.env };
    execFile(command, [...args], { cwd: options.cwd, env, timeout: 600_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ exitCode: error ? (typeof code === 'number' ? code : 127) : 0, stdout, stderr: error && !stderr ? error.message : stderr });
    });
  });

/** The first executable file named `binary` in a PATH-style list of directories. */
export function findOnPath(binary: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, binary);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Where a package extracted into the cache keeps its programs. */
export function cachedBinDir(cacheDir: string, pkg: string): string {
  return join(cacheDir, pkg, 'usr', 'bin');
}

export interface ProvisionOptions {
  /** @default DEBIAN_TOOLS */
  readonly tools?: readonly DebianTool[];
  /** The PATH to look in; the result's `path` is this, maybe with cache directories in front. */
  readonly path: string;
  /** Where packages are extracted when they cannot be installed, one directory per package. */
  readonly cacheDir: string;
  /** Root installs with `apt-get install`; anyone else extracts into `cacheDir`. */
  readonly isRoot: boolean;
  readonly run: CommandRunner;
}

export type Provisioning =
  | { readonly kind: 'present'; readonly path: string }
  | { readonly kind: 'cached'; readonly path: string; readonly packages: readonly string[] }
  | { readonly kind: 'installed'; readonly path: string; readonly packages: readonly string[] }
  | { readonly kind: 'extracted'; readonly path: string; readonly packages: readonly string[]; readonly installError?: string }
  | { readonly kind: 'unavailable'; readonly path: string; readonly missing: readonly DebianTool[]; readonly reason: string };

/**
 * Makes every tool findable on the returned PATH: as it is when all are there
 * (no command run at all), with earlier extractions from the cache in front,
 * installed with apt-get as root, or else downloaded and extracted into the
 * cache. `unavailable` says why not, with apt's own last words.
 */
export async function provisionDebianTools(options: ProvisionOptions): Promise<Provisioning> {
  const tools = options.tools ?? DEBIAN_TOOLS;
  const missingOn = (path: string) => tools.filter((tool) => !findOnPath(tool.binary, path));
  const packagesOf = (missing: readonly DebianTool[]) => [...new Set(missing.map((tool) => tool.package))];
  const names = (missing: readonly DebianTool[]) => missing.map((tool) => tool.binary).join(', ');
  if (missingOn(options.path).length === 0) return { kind: 'present', path: options.path };

  const cached = packagesOf(missingOn(options.path)).filter((pkg) => existsDir(cachedBinDir(options.cacheDir, pkg)));
  const path = prependPath(options.path, cached.map((pkg) => cachedBinDir(options.cacheDir, pkg)));
  const missing = missingOn(path);
  if (missing.length === 0) return { kind: 'cached', path, packages: cached };
  const packages = packagesOf(missing);
  const unavailable = (reason: string): Provisioning => ({ kind: 'unavailable', path, missing, reason });
  if (!findOnPath('apt-get', path)) return unavailable('apt-get is not on PATH (not a Debian-family system)');

  let installError: string | undefined;
  if (options.isRoot) {
    installError = await aptInstall(packages, options.run);
    const still = missingOn(path);
    if (installError === undefined && still.length === 0) return { kind: 'installed', path, packages };
    installError ??= `apt-get installed ${packages.join(', ')} but ${names(still)} is still not on PATH`;
  }
  // Not root, or the install failed (another apt holding the dpkg lock, say): extract instead.
  const failed = (error: string) => unavailable(installError ? `${installError}; then ${error}` : error);
  if (!findOnPath('dpkg-deb', path)) return failed('dpkg-deb is not on PATH');
  const extractError = await extractPackages(packages, options.cacheDir, options.run);
  if (extractError !== undefined) return failed(extractError);
  const extractedPath = prependPath(path, packages.map((pkg) => cachedBinDir(options.cacheDir, pkg)));
  const still = missingOn(extractedPath);
  if (still.length > 0) return failed(`the extracted packages hold no ${names(still)}`);
  return { kind: 'extracted', path: extractedPath, packages, ...(installError ? { installError } : {}) };
}

/** The line the global setup prints; a box when the programs could not be provided. `cache` is `cacheDir` as shown to the reader. */
export function describeProvisioning(provisioning: Provisioning, elapsedMs: number, cache: string, ci = process.env.CI === 'true'): string {
  const took = `${(elapsedMs / 1000).toFixed(1)} s`;
  switch (provisioning.kind) {
    case 'present':
      return `Debian tools: ${DEBIAN_TOOLS.map((tool) => tool.binary).join(', ')} found on PATH, nothing to install`;
    case 'cached':
      return `Debian tools: using ${provisioning.packages.join(', ')} extracted earlier into ${cache}, first on PATH`;
    case 'installed':
      return `Debian tools: installed ${provisioning.packages.join(', ')} with apt-get install in ${took}`;
    case 'extracted':
      return `Debian tools: apt-get download + dpkg-deb -x of ${provisioning.packages.join(', ')} into ${cache} in ${took}, first on PATH${provisioning.installError ? ` (${provisioning.installError})` : ''}`;
    case 'unavailable': {
      const binaries = provisioning.missing.map((tool) => tool.binary);
      return box([
        `Debian tools: could not provide ${binaries.join(', ')}`,
        `why: ${provisioning.reason}`,
        ci ? 'CI=true: the suites that need them FAIL' : 'the suites that need them are SKIPPED',
        `install with: ${installCommand(provisioning.missing.map((tool) => `apt-get install -y ${tool.package}`))}`,
      ]);
    }
  }
}

const NONINTERACTIVE = { DEBIAN_FRONTEND: 'noninteractive' };

/** `apt-get install`, and once more after `apt-get update` when the first try fails (no package lists yet, stale ones). */
async function aptInstall(packages: readonly string[], run: CommandRunner): Promise<string | undefined> {
  const install = () => run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env: NONINTERACTIVE });
  if ((await install()).exitCode === 0) return undefined;
  const update = await run('apt-get', ['update', '-q'], { env: NONINTERACTIVE });
  if (update.exitCode !== 0) return `apt-get update failed: ${lastLine(update)}`;
  const retried = await install();
  return retried.exitCode === 0 ? undefined : `apt-get install failed: ${lastLine(retried)}`;
}

/**
 * Downloads each package with `apt-get download` (no root needed) and unpacks
 * it with `dpkg-deb -x` into `cacheDir/<package>`. When the system's package
 * lists do not have them, a private list is fetched into the cache first.
 * Each package is unpacked aside and renamed into place, so a run that stops
 * halfway, or two runs at once, never leave a half-extracted package behind.
 */
export async function extractPackages(packages: readonly string[], cacheDir: string, run: CommandRunner): Promise<string | undefined> {
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, '.download-'));
  try {
    const privateLists = ['-o', `Dir::State::Lists=${join(cacheDir, 'apt', 'lists')}`, '-o', `Dir::Cache=${join(cacheDir, 'apt', 'cache')}`];
    const download = await run('apt-get', ['download', '-q', ...packages], { cwd: work });
    if (download.exitCode !== 0) {
      // apt-get update exits 0 even when it fetched nothing, so this first error is kept: it names the mirror.
      const failed = `apt-get download failed: ${lastLine(download)}`;
      mkdirSync(join(cacheDir, 'apt', 'lists', 'partial'), { recursive: true });
      mkdirSync(join(cacheDir, 'apt', 'cache'), { recursive: true });
      const update = await run('apt-get', [...privateLists, 'update', '-q']);
      if (update.exitCode !== 0) return `${failed}; apt-get update of a private package list failed: ${lastLine(update)}`;
      const retried = await run('apt-get', [...privateLists, 'download', '-q', ...packages], { cwd: work });
      if (retried.exitCode !== 0) return `${failed}; with a private package list too: ${lastLine(retried)}`;
    }
    for (const pkg of packages) {
      const deb = readdirSync(work).find((file) => file.startsWith(`${pkg}_`) && file.endsWith('.deb'));
      if (!deb) return `apt-get download left no ${pkg}_*.deb`;
      const unpacked = join(work, pkg);
      const extract = await run('dpkg-deb', ['-x', join(work, deb), unpacked]);
      if (extract.exitCode !== 0) return `dpkg-deb -x ${deb} failed: ${lastLine(extract)}`;
      moveIntoPlace(unpacked, join(cacheDir, pkg), join(work, `replaced-${pkg}`));
    }
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Renames `from` to `to`; a copy already at `to` (incomplete, or an older version) is moved aside into `trash` first. */
function moveIntoPlace(from: string, to: string, trash: string): void {
  if (existsDir(to)) renameSync(to, trash);
  try {
    renameSync(from, to);
  } catch (error) {
    // Another run put its copy there in between: the same package, keep it.
    if (!existsDir(to)) throw error;
  }
}

function existsDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function prependPath(path: string, dirs: readonly string[]): string {
  return [...dirs, ...(path ? [path] : [])].join(delimiter);
}

/** apt's last `E:` line, or else the last line a command printed: what to tell the reader, at most 300 characters. */
function lastLine(result: CommandResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /^E:/.test(line));
  return (errors.at(-1) ?? lines.at(-1) ?? `exit code ${result.exitCode}`).slice(0, 300);
}
