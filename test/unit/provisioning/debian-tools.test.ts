import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedBinDir, describeProvisioning, findOnPath, provisionDebianTools, type Provisioning } from '../../support/debian-tools';
import { fakeDebian, type FakeDebian, type FakeDebianBehaviour } from '../../support/fakes/debian';

let machine: FakeDebian | undefined;
afterEach(() => {
  machine?.remove();
  machine = undefined;
});

function given(behaviour: FakeDebianBehaviour = {}): FakeDebian {
  machine = fakeDebian(behaviour);
  return machine;
}

function provision(debian: FakeDebian, isRoot: boolean): Promise<Provisioning> {
  return provisionDebianTools({ path: debian.systemBin, cacheDir: debian.cacheDir, isRoot, run: debian.run });
}

function aptCalls(debian: FakeDebian): string[] {
  return debian.calls.map((call) => call.replace(/Dir::(State::Lists|Cache)=\S+/g, 'Dir::$1=…'));
}

describe('provisioning the Debian programs the suites need', () => {
  it('runs no command at all when every program is already on PATH', async () => {
    const debian = given();
    debian.installed('prometheus-alertmanager', 'amtool', 'promtool');

    const result = await provision(debian, true);

    expect(result).toEqual({ kind: 'present', path: debian.systemBin });
    expect(debian.calls).toEqual([]);
  });

  it('as root, installs the missing packages with apt-get install --no-install-recommends and no apt-get update when that works', async () => {
    const debian = given();

    const result = await provision(debian, true);

    expect(result).toEqual({ kind: 'installed', path: debian.systemBin, packages: ['prometheus-alertmanager', 'prometheus'] });
    expect(debian.calls).toEqual(['apt-get install -y -q --no-install-recommends prometheus-alertmanager prometheus']);
  });

  it('as root, installs only the package of the program that is missing', async () => {
    const debian = given();
    debian.installed('prometheus-alertmanager', 'amtool');

    await provision(debian, true);

    expect(debian.calls).toEqual(['apt-get install -y -q --no-install-recommends prometheus']);
  });

  it('as root, runs apt-get update and installs again when the first install fails', async () => {
    const debian = given({ install: 'needs-update' });

    const result = await provision(debian, true);

    expect(result.kind).toBe('installed');
    expect(debian.calls).toEqual([
      'apt-get install -y -q --no-install-recommends prometheus-alertmanager prometheus',
      'apt-get update -q',
      'apt-get install -y -q --no-install-recommends prometheus-alertmanager prometheus',
    ]);
  });

  it('as root, extracts the packages instead when apt-get install keeps failing', async () => {
    const debian = given({ install: 'fails' });

    const result = await provision(debian, true);

    expect(result).toMatchObject({ kind: 'extracted', installError: 'apt-get install failed: E: Unable to locate package prometheus' });
    expect(findOnPath('promtool', result.path)).toBe(join(cachedBinDir(debian.cacheDir, 'prometheus'), 'promtool'));
  });

  it('as another user, downloads and extracts the packages into the cache and puts their usr/bin first on PATH', async () => {
    const debian = given();

    const result = await provision(debian, false);

    expect(result).toEqual({
      kind: 'extracted',
      path: [cachedBinDir(debian.cacheDir, 'prometheus-alertmanager'), cachedBinDir(debian.cacheDir, 'prometheus'), debian.systemBin].join(delimiter),
      packages: ['prometheus-alertmanager', 'prometheus'],
    });
    expect(aptCalls(debian).filter((call) => call.startsWith('apt-get'))).toEqual(['apt-get download -q prometheus-alertmanager prometheus']);
    expect(aptCalls(debian).filter((call) => call.startsWith('dpkg-deb'))).toHaveLength(2);
  });

  it('as another user, fetches a private package list into the cache when the download fails, then downloads with it', async () => {
    const debian = given({ download: 'needs-private-lists' });

    const result = await provision(debian, false);

    expect(result.kind).toBe('extracted');
    expect(aptCalls(debian).filter((call) => call.startsWith('apt-get'))).toEqual([
      'apt-get download -q prometheus-alertmanager prometheus',
      'apt-get -o Dir::State::Lists=… -o Dir::Cache=… update -q',
      'apt-get -o Dir::State::Lists=… -o Dir::Cache=… download -q prometheus-alertmanager prometheus',
    ]);
    expect(existsSync(join(debian.cacheDir, 'apt', 'lists', 'partial'))).toBe(true);
  });

  it('uses the packages an earlier run extracted without running any command', async () => {
    const debian = given();
    await provision(debian, false);
    debian.calls.length = 0;

    const result = await provision(debian, false);

    expect(result).toMatchObject({ kind: 'cached', packages: ['prometheus-alertmanager', 'prometheus'] });
    expect(findOnPath('amtool', result.path)).toBe(join(cachedBinDir(debian.cacheDir, 'prometheus-alertmanager'), 'amtool'));
    expect(debian.calls).toEqual([]);
  });

  it('reports the programs unavailable, with apt\'s error, when the packages cannot be downloaded', async () => {
    const debian = given({ download: 'fails' });

    const result = await provision(debian, false);

    expect(result).toMatchObject({ kind: 'unavailable', path: debian.systemBin });
    expect(result.kind === 'unavailable' && result.missing.map((tool) => tool.binary)).toEqual(['prometheus-alertmanager', 'amtool', 'promtool']);
    expect(result.kind === 'unavailable' && result.reason).toBe(
      "apt-get download failed: E: Failed to fetch http://deb.debian.org/debian/pool/main/p/prometheus-alertmanager.deb  Temporary failure resolving 'deb.debian.org'; " +
        'with a private package list too: E: Unable to locate package prometheus-alertmanager',
    );
  });

  it('reports the programs unavailable when apt-get is not on PATH', async () => {
    const debian = given();

    const result = await provisionDebianTools({ path: join(debian.root, 'empty'), cacheDir: debian.cacheDir, isRoot: true, run: debian.run });

    expect(result).toMatchObject({ kind: 'unavailable', reason: 'apt-get is not on PATH (not a Debian-family system)' });
    expect(debian.calls).toEqual([]);
  });

  it('leaves no half-extracted package in the cache when dpkg-deb fails', async () => {
    const debian = given({ dpkgDeb: 'fails' });

    const result = await provision(debian, false);

    expect(result.kind === 'unavailable' && result.reason).toMatch(/^dpkg-deb -x prometheus-alertmanager_1\.0-1_amd64\.deb failed: dpkg-deb: error/);
    expect(readdirSync(debian.cacheDir)).toEqual([]);
  });
});

describe('what the provisioning prints', () => {
  it('says in one line which packages it extracted, where and how long it took', () => {
    const line = describeProvisioning({ kind: 'extracted', path: '', packages: ['prometheus'] }, 4_250, '.cache/debian', false);

    expect(line).toBe('Debian tools: apt-get download + dpkg-deb -x of prometheus into .cache/debian in 4.3 s, first on PATH');
  });

  it('puts a failure in a box with the reason, what happens to the suites and one install command', () => {
    const failure: Provisioning = {
      kind: 'unavailable',
      path: '',
      missing: [
        { binary: 'amtool', package: 'prometheus-alertmanager' },
        { binary: 'promtool', package: 'prometheus' },
      ],
      reason: 'apt-get is not on PATH (not a Debian-family system)',
    };

    expect(describeProvisioning(failure, 0, '.cache/debian', false).split('\n')).toEqual([
      '╔═════════════════════════════════════════════════════════════════════╗',
      '║ Debian tools: could not provide amtool, promtool                    ║',
      '║ why: apt-get is not on PATH (not a Debian-family system)            ║',
      '║ the suites that need them are SKIPPED                               ║',
      '║ install with: apt-get install -y prometheus-alertmanager prometheus ║',
      '╚═════════════════════════════════════════════════════════════════════╝',
    ]);
  });
});
