/**
 * End to end through the HTTP API of `npm start`: two stacks side by side, import, the clock,
 * voucher generation by the local scheduler and by the run control, the provider's listing,
 * and a clean stop that leaves no JVM and no port behind.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDocument } from '../support/fixtures';
import { paymentBody, terminalFetch } from '../support/terminal';
import { alive, startStack, type RunningStack } from '../support/stack-process';
import { localStoreOf } from '../../infra/local/servers';

let a: RunningStack;
let b: RunningStack;

beforeAll(async () => {
  // One after the other: a's start-up time is then what one `npm start` takes, not two JVMs and
  // two compilations fighting for 2 cores (11-12 s together, ~6 s alone, measured).
  a = await startStack();
  b = await startStack();
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const javaChildren = (pid: number) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid), 'java']).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('local stack end to end', () => {
  it('starts in under 20 s and reports every component healthy', async () => {
    expect(a.readyMs).toBeLessThan(20_000);
    expect(await a.call('GET', '/_local/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await b.call('GET', '/_local/health')).toMatchObject({ status: 200 });
    expect(a.url).not.toBe(b.url);
  });

  it('imports the registry, generates March by the run control and April by the scheduler, and lists them for the provider', async () => {
    const agency = await a.token({ role: 'agency' });
    const provider = await a.token({ role: 'provider', providerId: 'P0001' });

    expect((await a.call('POST', '/_local/clock', { now: '2026-02-27T10:00:00+09:00' })).body.now).toBe('2026-02-27T10:00:00+09:00');
    const imported = await a.call('POST', '/v1/admin/import', importDocument(5), agency);
    expect(imported).toMatchObject({ status: 200, body: { accepted: 19, rejected: [] } });

    // The import lands on stack A only.
    const agencyB = await b.token({ role: 'agency' });
    expect((await b.call('GET', '/v1/vouchers?providerId=P0001&month=2026-03', undefined, agencyB)).body.items).toEqual([]);

    expect((await a.call('POST', '/_local/schedules/voucher-generation/run')).body).toMatchObject({ result: { month: '2026-02' }, drained: true });
    await a.call('POST', '/_local/clock', { now: '2026-03-02T09:00:00+09:00' });
    // Moving past 1 March 00:10 KST makes the scheduler fire March; the run control does it again, harmlessly.
    const run = await a.call('POST', '/_local/schedules/voucher-generation/run');
    expect(run).toMatchObject({ status: 200, body: { schedule: 'voucher-generation', result: { month: '2026-03' }, drained: true } });
    const march = await a.call('GET', '/v1/vouchers?month=2026-03', undefined, provider);
    expect(march.status).toBe(200);
    expect(march.body.items).toHaveLength(5);
    expect(march.body.items.every((i: { status: string; amount: number }) => i.status === 'GENERATED' && i.amount === 144_000)).toBe(true);

    await a.call('POST', '/_local/clock', { now: '2026-03-31T23:59:58+09:00' });
    await a.call('POST', '/_local/clock', { now: '2026-04-01T00:10:02+09:00' });
    await new Promise((r) => setTimeout(r, 1_500)); // the scheduler ticks every 0.5 s
    expect((await a.call('POST', '/_local/drain')).body.drained).toBe(true);
    const april = await a.call('GET', '/v1/vouchers?month=2026-04&status=GENERATED', undefined, provider);
    expect(april.body.items).toHaveLength(5);
  });

  it('takes a signed terminal payment through the HTTP API, answers its retry identically and lists it for the provider', async () => {
    const doc = importDocument(5);
    const terminal = { serial: doc.terminals[0]!.serial, secret: doc.terminals[0]!.secret, phone: doc.terminals[0]!.phone, businessNumber: doc.providers[0]!.businessNumber };
    await a.call('POST', '/_local/clock', { now: '2026-04-07T13:45:00+09:00' });
    const pay = terminalFetch(a.url, terminal, () => new Date('2026-04-07T13:45:00+09:00'));
    const body = paymentBody(terminal, { cardNumber: '9410000000000002' }, '2026-04-07');
    const first = await pay('POST', '/v1/terminal/payments', body);
    expect(first).toMatchObject({ status: 201, body: { status: 'APPROVED', amount: 36_000, voucher: { month: '2026-04', remainingAmount: 108_000, remainingSessions: 3 } } });
    expect((await pay('POST', '/v1/terminal/payments', body)).body).toEqual(first.body);
    const balance = await pay('GET', '/v1/terminal/cards/9410000000000002/balance?serviceCode=110101');
    expect(balance.body).toMatchObject({ remainingAmount: 108_000, remainingSessions: 3 });
    const provider = await a.token({ role: 'provider', providerId: 'P0001' });
    const history = await a.call('GET', '/v1/payments?from=2026-04-01&to=2026-04-30', undefined, provider);
    expect(history.body.items.map((i: { approvalNumber: string }) => i.approvalNumber)).toEqual([first.body.approvalNumber]);
    expect((await a.call('POST', '/_local/drain')).body.drained).toBe(true);
  });

  it('enforces identity: no token 401, another provider 403, a forged token 401', async () => {
    expect((await a.call('GET', '/v1/vouchers')).status).toBe(401);
    const other = await a.token({ role: 'provider', providerId: 'P0002' });
    expect((await a.call('GET', '/v1/vouchers?providerId=P0001', undefined, other)).status).toBe(403);
    const foreign = await b.token({ role: 'agency' });
    expect((await a.call('POST', '/v1/admin/import', {}, foreign)).status).toBe(401);
    expect((await a.call('POST', '/_local/token', { role: 'provider' })).status).toBe(400);
  });

  it('answers unknown routes and schedules with the error envelope', async () => {
    expect(await a.call('GET', '/v1/nothing')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await a.call('POST', '/_local/schedules/nope/run')).status).toBe(404);
    expect((await a.call('POST', '/_local/clock', { now: 'tomorrow' })).status).toBe(400);
  });

  it('SIGTERM stops everything: no JVM, no port left behind', async () => {
    const pid = b.process.pid!;
    const jvms = javaChildren(pid);
    // DynamoDB Local is one JVM; the in-memory store (`LOCAL_STORE=memory`) has none.
    expect(jvms).toHaveLength(localStoreOf(process.env.LOCAL_STORE) === 'memory' ? 0 : 1);
    const port = Number(new URL(b.url).port);
    expect(await b.stop()).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(pid)).toBe(false);
    expect(jvms.filter(alive)).toEqual([]);
    expect(await portFree(port)).toBe(true);
  });
});
