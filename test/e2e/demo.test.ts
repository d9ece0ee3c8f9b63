/**
 * `npm run demo` (issue 16 §6) against a running stack, as a newcomer runs it beside `npm start`:
 * a small month played through the HTTP API alone ends with every won accounted for, nothing
 * still owed, payouts paid through CMS files, and the links to /ops and /docs — whose metrics then
 * show the month's payments.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startStack } from '../support/stack-process';

const root = resolve(import.meta.dirname, '../..');
let stack: RunningStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(() => stack?.stop());

describe('issue 16 §6 the demo month', () => {
  it('plays March on the running stack: payments, refunds, holds reviewed, payouts paid by CMS, conservation balanced, nothing owed', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/demo/demo.ts', '--scale', '0.1', '--url', stack.url], { cwd: root, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, maxBuffer: 64 * 1024 * 1024 });
    const summary = stdout.slice(stdout.indexOf('A month of the voucher platform'));
    expect(summary).toMatch(/registry\s+\d+ municipalities, 3 providers, 15 workers, 40 recipients/);
    expect(Number(/payments\s+(\d+) session payments and (\d+) time sessions approved/.exec(summary)?.[1])).toBeGreaterThan(50);
    expect(Number(/and (\d+) time sessions approved/.exec(summary)?.[1])).toBeGreaterThan(0);
    expect(summary).toMatch(/holds\s+(\d+) placed by municipalities, \1 explained/);
    expect(Number(/PAID (\d+)/.exec(summary)?.[1])).toBeGreaterThan(0);
    expect(summary).toMatch(/CMS files\s+CMS-2026-\d\d-\d\d RECEIVED/);
    expect(summary).toContain('still owed   nothing');
    expect(summary).toContain('conservation balanced');
    expect(summary).toContain(`ops console  ${stack.url}/ops`);
    expect(summary).toContain(`API document ${stack.url}/docs`);
    // The month's payments are in the local metrics the ops console draws.
    const metrics = (await (await fetch(`${stack.url}/_local/metrics?minutes=15&bucketSeconds=60`)).json()) as { panels: { id: string; series: { label: string; values: number[] }[] }[] };
    const approved = metrics.panels.find((p) => p.id === 'payments')!.series.find((s) => s.label === 'approved')!.values.reduce((n, v) => n + v, 0);
    expect(approved).toBeGreaterThan(50);
  }, 240_000);
});
