/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The local ops console (issue 16 §4) in headless Chromium: the page loads and draws the
 * dashboard's graphs from the handlers' metrics, a payment appears in the payments graph, a dead
 * letter shows masked and its redrive button moves it back, and a screenshot is kept under
 * test/artifacts/. Every wait is for what the page shows, never for time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/shared/sqs';
import { DASHBOARD_PANELS } from '../../infra/system';
import { launchChromium } from '../support/browser';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

beforeAll(async () => {
  await world.start({ cards: 2, at: '2026-03-10T10:00:00+09:00' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await world.stop();
});

const text = (selector: string) => page.locator(selector).first().textContent({ timeout: 15_000 });
/** Waits until the page shows `expected` in the element (the page refreshes itself every two seconds). */
const shows = (selector: string, expected: string) =>
  page.waitForFunction(([s, e]) => document.querySelector(s!)?.textContent?.trim() === e, [selector, expected], { timeout: 20_000 });

describe('issue 16 §4 the local ops console', () => {
  it('loads, and draws every graph of the dashboard with its series', async () => {
    const res = await page.goto(`${world.stack.url}/ops`);
    expect(res?.status()).toBe(200);
    await page.waitForFunction(() => Number(document.body.dataset.refreshed ?? 0) >= 1, null, { timeout: 20_000 });
    for (const panel of DASHBOARD_PANELS) await page.locator(`[data-panel="${panel.id}"] canvas`).waitFor({ timeout: 15_000 });
    for (const id of ['queue-depths', 'dead-letter-queues']) await page.locator(`[data-panel="${id}"] canvas`).waitFor({ timeout: 15_000 });
    expect(await text('[data-totals="payments"] [data-series="approved"] b')).toBe('0');
    expect(await page.locator('#queues tbody tr').count()).toBeGreaterThan(3);
    expect(await text('#alarm-summary')).toMatch(/alarms OK/);
    await shows('#conservation', 'conservation balanced');
    expect(pageErrors).toEqual([]);
  });

  it('a payment taken at a terminal appears in the payments graph, and its latency beside it', async () => {
    await world.pay(1, '10:00');
    await shows('[data-totals="payments"] [data-series="approved"] b', '1');
    const latency = await text('[data-totals="intake-latency"] [data-series="p99"] b');
    expect(Number(latency)).toBeGreaterThan(0);
    // The chart itself holds the point: the approved series sums to one.
    const drawn = await page.evaluate(() => {
      const canvas = document.querySelector('[data-panel="payments"] canvas') as HTMLCanvasElement;
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { label: string; data: (number | null)[] }[] } } } }).Chart.getChart(canvas);
      return chart.data.datasets.find((d) => d.label === 'approved')!.data.reduce<number>((n, v) => n + (v ?? 0), 0);
    });
    expect(drawn).toBe(1);
    // Screened by the rules, per rule (each rule's own EMF line).
    await world.drain();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-totals="screening"] [data-series^="screened"] b')].some((b) => Number(b.textContent) > 0), null, { timeout: 20_000 });
  });

  it('a dead letter shows masked with a redrive button; the button moves it back and the alarm clears', async () => {
    await sqsClient().send(new SendMessageCommand({
      QueueUrl: world.stack.queues.dlqUrls['voucher-generation'],
      MessageBody: JSON.stringify({ version: 1, job: 'GENERATE', month: '2026-03', shard: 0, decidedAt: '2026-03-10T10:00:00+09:00', note: 'card 9410000000000001 of 150402-4000001' }),
    }));
    await shows('[data-dead-letters="voucher-generation"]', '1');
    await page.locator('[data-letters="voucher-generation"] pre').waitFor({ timeout: 15_000 });
    const body = await text('[data-letters="voucher-generation"] pre');
    expect(body).toContain('GENERATE');
    expect(body).not.toContain('9410000000000001');
    expect(body).not.toContain('150402-4000001');
    await page.waitForFunction(() => /voucher-generation-dlq-depth/.test(document.querySelector('#alarm-summary')?.textContent ?? ''), null, { timeout: 20_000 });

    await page.locator('[data-redrive="voucher-generation"]').click();
    await page.waitForFunction(() => /1 message of voucher-generation moved back/.test(document.querySelector('#redrive-result')?.textContent ?? ''), null, { timeout: 20_000 });
    await world.drain();
    await shows('[data-dead-letters="voucher-generation"]', '0');
    await page.waitForFunction(() => /alarms OK/.test(document.querySelector('#alarm-summary')?.textContent ?? ''), null, { timeout: 20_000 });
    expect(await page.locator('[data-redrive="voucher-generation"]').count()).toBe(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ops-console.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('answers the metrics it draws for bounded windows only', async () => {
    const bad = await world.call('GET', '/_local/metrics?minutes=0');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await world.call('GET', '/_local/metrics?minutes=5&bucketSeconds=30')).body).toMatchObject({ bucketSeconds: 30, count: 10 });
    expect((await world.call('POST', '/ops')).status).toBe(405);
  });
});
