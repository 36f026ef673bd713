import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CommandResult, CommandRunner } from '../debian-tools';

/** What each fake package installs into usr/bin. */
const PACKAGE_BINARIES: Readonly<Record<string, readonly string[]>> = {
  'prometheus-alertmanager': ['prometheus-alertmanager', 'amtool'],
  prometheus: ['prometheus', 'promtool'],
};

export interface FakeDebianBehaviour {
  /** `works`; `needs-update`: fails until `apt-get update` ran; `fails`: always (a held dpkg lock, say). */
  readonly install?: 'works' | 'needs-update' | 'fails';
  /** `works`; `needs-private-lists`: only with `-o Dir::State::Lists=…` after a private update; `fails`: always (no network). */
  readonly download?: 'works' | 'needs-private-lists' | 'fails';
  readonly dpkgDeb?: 'works' | 'fails';
}

/**
 * A Debian machine in a temporary directory: `systemBin` holds `apt-get` and
 * `dpkg-deb` (and whatever `apt-get install` installs), and `run` plays apt
 * and dpkg-deb on it, recording every call. Nothing outside the directory is
 * touched and no real command runs.
 */
export function fakeDebian(behaviour: FakeDebianBehaviour = {}) {
  const root = mkdtempSync(join(tmpdir(), 'alertscale-fake-debian-'));
  const systemBin = join(root, 'usr-bin');
  const cacheDir = join(root, 'project', '.cache', 'debian');
  const calls: string[] = [];
  let updated = false;
  let privateListsUpdated = false;
  mkdirSync(systemBin, { recursive: true });
  for (const program of ['apt-get', 'dpkg-deb']) executable(systemBin, program);

  const ok: CommandResult = { exitCode: 0, stdout: '', stderr: '' };
  const error = (stderr: string): CommandResult => ({ exitCode: 100, stdout: '', stderr });

  const run: CommandRunner = async (command, args, options = {}) => {
    calls.push([command, ...args].join(' '));
    const privateLists = args.some((arg) => arg.startsWith('Dir::State::Lists='));
    const verb = args.find((arg) => ['install', 'update', 'download', '-x'].includes(arg));
    if (command === 'apt-get' && verb === 'update') {
      if (privateLists) privateListsUpdated = true;
      else updated = true;
      // As apt does: a list it could not fetch is a warning, and the exit code stays 0.
      return behaviour.download === 'fails' ? { exitCode: 0, stdout: '', stderr: "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'" } : ok;
    }
    const packages = args.filter((arg) => arg in PACKAGE_BINARIES);
    if (command === 'apt-get' && verb === 'install') {
      const install = behaviour.install ?? 'works';
      if (install === 'fails' || (install === 'needs-update' && !updated)) return error('E: Unable to locate package prometheus');
      for (const pkg of packages) for (const binary of PACKAGE_BINARIES[pkg]!) executable(systemBin, binary);
      return ok;
    }
    if (command === 'apt-get' && verb === 'download') {
      const download = behaviour.download ?? 'works';
      if (download === 'fails' && !privateLists) {
        return error(`E: Failed to fetch http://deb.debian.org/debian/pool/main/p/${packages[0]}.deb  Temporary failure resolving 'deb.debian.org'`);
      }
      if (download === 'fails' || (download === 'needs-private-lists' && !(privateLists && privateListsUpdated))) {
        return error(`E: Unable to locate package ${packages[0]}`);
      }
      for (const pkg of packages) writeFileSync(join(options.cwd ?? root, `${pkg}_1.0-1_amd64.deb`), JSON.stringify(PACKAGE_BINARIES[pkg]));
      return ok;
    }
    if (command === 'dpkg-deb' && verb === '-x') {
      const [, deb, destination] = args;
      if (behaviour.dpkgDeb === 'fails') {
        mkdirSync(join(destination!, 'usr'), { recursive: true });
        return error(`dpkg-deb: error: '${basename(deb!)}' is not a Debian format archive`);
      }
      for (const binary of JSON.parse(readFileSync(deb!, 'utf8')) as string[]) executable(join(destination!, 'usr', 'bin'), binary);
      return ok;
    }
    return { exitCode: 127, stdout: '', stderr: `${command}: not played by the fake` };
  };

  return {
    root,
    systemBin,
    cacheDir,
    calls,
    run,
    /** Puts programs into the system's bin directory, as if their packages were installed. */
    installed: (...binaries: string[]) => binaries.forEach((binary) => executable(systemBin, binary)),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export type FakeDebian = ReturnType<typeof fakeDebian>;

function executable(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
}
