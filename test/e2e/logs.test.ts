/**
 * Local logs tell the truth (issue 15 §6): the local stack runs every function in one process, with
 * invocations overlapping, yet each log line carries its own invocation's function and request id
 * (as in Lambda, where each function is its own process), and a consumer's or schedule's line
 * never carries a caller's `sub`, `role` or route.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../infra/system';
import { captureStdout } from '../support/capture';
import { paymentBody } from '../support/terminal';
import { E2eWorld } from '../support/world';

// Before any module is loaded: every invocation starts at the level the logger was made with.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const world = new E2eWorld();
let lines: string[] = [];

beforeAll(async () => {
  await world.start({ cards: 8, at: '2026-03-10T15:00:00+09:00' });
  lines = captureStdout();
}, 60_000);
afterAll(() => world.stop());

interface LogLine {
  function_name?: string;
  function_request_id?: string;
  sub?: string;
  role?: string;
  route?: string;
  message: string;
}

describe('issue 15 §6: each invocation logs with its own context', () => {
  it('overlapping payments, lists, consumers and a schedule: one function per request id, routes only on their function, no caller on a background line', async () => {
    const pay = world.terminalFetch();
    const { call, tokens } = world;
    // Everything at once: payments (intake → outbox → screening, settlement), lists, imports of nothing, a schedule run.
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => pay('POST', '/v1/terminal/payments', paymentBody(world.terminal, { cardNumber: world.card(i + 1), serviceStartAt: `2026-03-10T${String(7 + i).padStart(2, '0')}:00:00+09:00` }))),
      ...Array.from({ length: 6 }, () => call('GET', '/v1/payments?from=2026-03-01&to=2026-03-31', undefined, tokens.provider)),
      ...Array.from({ length: 4 }, () => call('GET', '/v1/holds?from=2026-03-01&to=2026-03-31', undefined, tokens.agency)),
      call('POST', '/v1/admin/import', { providers: [world.doc.providers[0]] }, tokens.agency),
      call('POST', '/_local/schedules/voucher-generation/run'),
    ]);
    await world.drain();
    expect(answers.map((a) => a.status).filter((s) => s >= 400)).toEqual([]);

    const logs = lines.flatMap((chunk) => chunk.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    const invoked = logs.filter((l) => l.function_request_id);
    expect(invoked.length).toBeGreaterThan(20);
    const functionsOf = new Map<string, Set<string>>();
    for (const l of invoked) functionsOf.set(l.function_request_id!, (functionsOf.get(l.function_request_id!) ?? new Set()).add(l.function_name!));
    const mixed = [...functionsOf].filter(([, names]) => names.size > 1).map(([id, names]) => `${id}: ${[...names].join(', ')}`);
    expect(mixed, 'request ids logged under more than one function').toEqual([]);

    const functionOfRoute = new Map(ROUTES.map((r) => [`${r.method} ${r.path}`, r.function as string]));
    const misrouted = invoked.filter((l) => l.route && functionOfRoute.get(l.route) !== l.function_name).map((l) => `${l.function_name} ${l.route}: ${l.message}`);
    expect(misrouted, 'a route logged by a function that does not serve it').toEqual([]);

    const httpFunctions = new Set(ROUTES.map((r) => r.function as string));
    const background = invoked.filter((l) => !httpFunctions.has(l.function_name!));
    expect(new Set(background.map((l) => l.function_name)).size, 'consumers and schedules logged').toBeGreaterThan(1);
    const carrying = background.filter((l) => l.sub || l.role || l.route).map((l) => `${l.function_name}: ${l.message} (${l.role} ${l.sub} ${l.route})`);
    expect(carrying, 'background lines carrying a caller').toEqual([]);
    console.log(`log lines: ${logs.length}, with an invocation: ${invoked.length}, invocations: ${functionsOf.size}, background: ${background.length}`);
  }, 60_000);
});
