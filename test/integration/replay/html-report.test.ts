import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReplays, comparisonHtml, readHistoryFiles, replay, reportHtml } from '../../../lambdas/replay';
import { loadConfig } from '../../../lambdas/shared/config/load';
import { needBinary } from '../../support/binaries';

/**
 * The HTML report in a real browser: Debian's Chromium, headless, never a
 * downloaded one. CI installs it, and under CI=true its absence fails the
 * run; elsewhere the suite is skipped and counted in the run's closing
 * summary of skipped suites, as the other suites that need Debian programs are.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = needBinary('chromium');
const ARTIFACTS = resolve('test-artifacts');

let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is on PATH but not at ${CHROMIUM}, Debian's place for it: this test drives Debian's chromium, never a downloaded browser`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
});

/** Opens `html` from a file, as a person would, and says what the page did: console errors, page errors, requests off the file. */
async function open(html: string, screenshot: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'alertscale-report-')), 'report.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const offline: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) offline.push(request.url());
  });
  await page.goto(pathToFileURL(file).href);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  return { page, errors, offline };
}

const config = loadConfig('config/alertscale.yml').config;
const history = readHistoryFiles(['examples/scenarios/queue-surge.yml']);

describe.runIf(hasChromium)('replay --html in headless Chromium', () => {
  it('opens without a console error or a request off the page, and charts one series per node group', async () => {
    const report = await replay({ config, history, label: 'config/alertscale.yml' });
    const { page, errors, offline } = await open(reportHtml(report), 'replay-report.png');
    expect(errors).toEqual([]);
    expect(offline).toEqual([]);
    const series = await page.locator('svg#chart path.series').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-node-group')));
    expect(series).toEqual(config.node_groups.map((group) => group.name));
    // Every scaling action is marked on the chart, and new alerts along its top.
    expect(await page.locator('svg#chart circle.action-mark').count()).toBe(report.timeline.filter((row) => row.nodeGroup !== undefined).length);
    expect(await page.locator('svg#chart line.alert-mark').count()).toBeGreaterThan(0);
    expect(await page.locator('table.timeline tbody tr').count()).toBe(report.timeline.length);
    await page.close();
  });

  it('hides a node group from the chart when its legend is clicked', async () => {
    const { page, errors } = await open(reportHtml(await replay({ config, history })), 'replay-report-legend.png');
    await page.locator('button.legend[data-node-group="gpu-h100"]').click();
    expect(await page.locator('svg#chart path.series[data-node-group="gpu-h100"]').isVisible()).toBe(false);
    expect(await page.locator('svg#chart path.series[data-node-group="gpu-a100"]').isVisible()).toBe(true);
    await page.locator('button.legend[data-node-group="gpu-h100"]').click();
    expect(await page.locator('svg#chart path.series[data-node-group="gpu-h100"]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('charts both runs of a comparison, one series per node group each, and shows what differs', async () => {
    const slower = { ...config, receivers: config.receivers.map((r) => ({ ...r, scale_configs: r.scale_configs.map((s) => ({ ...s, cooldown: s.cooldown * 2 })) })) };
    const comparison = compareReplays(await replay({ config, history, label: 'A' }), await replay({ config: slower, history, label: 'B' }));
    const { page, errors, offline } = await open(comparisonHtml(comparison), 'replay-comparison.png');
    expect([errors, offline]).toEqual([[], []]);
    for (const run of ['a', 'b']) expect(await page.locator(`svg#chart path.series[data-run="${run}"]`).count()).toBe(config.node_groups.length);
    expect(await page.locator('pre.differences').textContent()).toContain('gpu-a100');
    await page.close();
  });
});

describe('the report page', () => {
  it('carries everything it shows inline: no script, style or image from anywhere', async () => {
    const html = reportHtml(await replay({ config, history }));
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain('test-artifacts/');
  });
});
