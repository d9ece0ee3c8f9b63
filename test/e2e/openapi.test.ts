/// <reference lib="dom" />
/**
 * The API document on the local stack (issue 16 §5): `/openapi.json` and the browsable `/docs`,
 * and real answers checked against it — every answer an e2e test receives is checked
 * (test/support/contract.ts); this file makes a sample across the API and asserts each was.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../infra/system';
import { launchChromium } from '../support/browser';
import { checkAnswer, checkedAnswers } from '../support/contract';
import { paymentBody } from '../support/terminal';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const { call, tokens } = world;
let browser: Browser | undefined;
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

beforeAll(async () => {
  await world.start({ cards: 3, at: '2026-03-10T10:00:00+09:00' });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await world.stop();
});

describe('issue 16 §5 the API document on the local stack', () => {
  it('serves /openapi.json for this stack, and /docs shows every operation', async () => {
    const res = await fetch(`${world.stack.url}/openapi.json`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]!.url).toBe(world.stack.url);

    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect((await page.goto(`${world.stack.url}/docs`))?.status()).toBe(200);
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, ROUTES.length, { timeout: 30_000 });
    expect(await page.locator('.opblock-summary-path', { hasText: '/v1/terminal/payments' }).count()).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'api-docs.png') });
    expect(errors).toEqual([]);
  }, 60_000);

  it('real answers across the API validate against it: terminal, operations, CMS, refusals', async () => {
    const terminal = world.terminalFetch();
    const body = paymentBody(world.terminal, { cardNumber: world.card(1), serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T10:00:00+09:00' });
    const paid = await terminal('POST', '/v1/terminal/payments', body);
    expect(paid.status).toBe(201);
    expect((await terminal('POST', '/v1/terminal/payments', body)).status).toBe(201);
    expect((await terminal('GET', `/v1/terminal/cards/${world.card(2)}/balance?serviceCode=110101`)).status).toBe(200);
    expect((await terminal('POST', `/v1/terminal/payments/${paid.body.approvalNumber}/cancel`, { transactionId: `C-${Date.now()}`, businessNumber: world.terminal.businessNumber, terminalPhone: world.terminal.phone })).status).toBe(200);
    expect((await terminal('POST', '/v1/terminal/payments', { ...body, transactionId: 'T-bad', cardNumber: 'x' })).status).toBe(400);
    await world.drain();

    expect((await call('GET', '/v1/ops/queues', undefined, tokens.ops)).status).toBe(200);
    expect((await call('GET', '/v1/ops/alarms', undefined, tokens.ops)).status).toBe(200);
    expect((await call('GET', '/v1/ops/dead-letters?queue=screening', undefined, tokens.ops)).status).toBe(200);
    expect((await call('POST', '/v1/ops/dead-letters/screening/redrive', {}, tokens.ops)).status).toBe(200);
    expect((await call('GET', '/v1/cms/files', undefined, tokens.agency)).status).toBe(200);
    expect((await call('GET', '/v1/ops/queues')).status).toBe(401);
    expect((await call('GET', '/v1/ops/queues', undefined, tokens.provider)).status).toBe(403);
    expect((await call('GET', '/v1/cms/files/CMS-2026-01-01', undefined, tokens.agency)).status).toBe(404);

    const checked = [...checkedAnswers().keys()];
    for (const key of [
      'POST /v1/terminal/payments 201', 'GET /v1/terminal/cards/{cardNumber}/balance 200', 'POST /v1/terminal/payments/{approvalNumber}/cancel 200', 'POST /v1/terminal/payments 400',
      'GET /v1/ops/queues 200', 'GET /v1/ops/alarms 200', 'GET /v1/ops/dead-letters 200', 'POST /v1/ops/dead-letters/{queue}/redrive 200', 'GET /v1/cms/files 200',
      'GET /v1/ops/queues 401', 'GET /v1/ops/queues 403', 'GET /v1/cms/files/{fileId} 404',
    ]) expect(checked, key).toContain(key);
  });

  it('an answer that does not match the document fails the test that got it', async () => {
    await expect(checkAnswer('GET', '/v1/ops/queues', 200, { items: [{ queue: 'screening', depth: 'many' }], nextToken: null })).rejects.toThrow(/does not match the API document/);
    await expect(checkAnswer('POST', '/v1/terminal/payments', 422, { error: { code: 'NO_VOUCHER' } })).rejects.toThrow(/does not match/);
    await expect(checkAnswer('POST', '/v1/terminal/payments', 201, { approvalNumber: '26031000000017', status: 'APPROVED', amount: 36000, approvedAt: '2026-03-10T15:01:12+09:00', voucher: { month: '2026-03', remainingAmount: 108000, remainingSessions: 3 } })).resolves.toBeUndefined();
  });
});
