import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * The suites a test run skipped because a program was missing, collected
 * across the test workers so that the end of the run can say so in a box no
 * one scrolls past. `needBinary` records; the global teardown reads.
 */

/** The file every worker appends its skips to, one JSON line each; set by the global setup. */
export const SKIPS_FILE_ENV = 'ALERTSCALE_TEST_SKIPS_FILE';
/** Why the global setup could not provide the Debian programs, when it could not. */
export const TOOLS_UNAVAILABLE_ENV = 'ALERTSCALE_TEST_TOOLS_UNAVAILABLE';

export interface SkippedSuite {
  /** The test file, relative to the project. */
  readonly file: string;
  readonly binary: string;
  readonly installHint: string;
}

export function recordSkippedSuite(skip: SkippedSuite): void {
  const file = process.env[SKIPS_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(skip)}\n`);
}

export function readSkippedSuites(file: string): SkippedSuite[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SkippedSuite);
}

/** One install command for all hints: `apt-get install -y` hints merged into one, others kept as they are. */
export function installCommand(hints: readonly string[]): string {
  const aptPrefix = 'apt-get install -y ';
  const packages = [...new Set(hints.filter((hint) => hint.startsWith(aptPrefix)).flatMap((hint) => hint.slice(aptPrefix.length).split(/\s+/)))];
  const others = [...new Set(hints.filter((hint) => !hint.startsWith(aptPrefix)))];
  return [...(packages.length > 0 ? [`${aptPrefix}${packages.join(' ')}`] : []), ...others].join('; ');
}

/** The lines framed by a double-line box, for a message that must not be missed in a long log. */
export function box(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const rule = '═'.repeat(width + 2);
  return [`╔${rule}╗`, ...lines.map((line) => `║ ${line.padEnd(width)} ║`), `╚${rule}╝`].join('\n');
}

/** The end-of-run summary: how many suites were skipped, for which programs, in which files, why and how to fix it. */
export function skippedSuitesSummary(skips: readonly SkippedSuite[], why?: string): string {
  const binaries = [...new Set(skips.map((skip) => skip.binary))].sort();
  const files = [...new Set(skips.map((skip) => skip.file))].sort();
  return box([
    `SKIPPED: ${skips.length} suite${skips.length === 1 ? '' : 's'} need${skips.length === 1 ? 's' : ''} ${binaries.join(', ')}`,
    ...files.map((file) => `  ${file}`),
    ...(why ? [`why: ${why}`] : []),
    `install with: ${installCommand(skips.map((skip) => skip.installHint))}`,
  ]);
}
