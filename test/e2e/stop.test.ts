/**
 * A stack that stops (issue 15 §5): `npm start` run as a person runs it, then its npm process
 * ended by SIGINT, SIGHUP, SIGTERM or SIGKILL — each time nothing it started (node, the DynamoDB
 * Local JVM and its watchdog, esbuild) is left, and the port is free, within a few seconds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/servers';
import { alive } from '../support/stack-process';
import { paymentBody } from '../support/terminal';
import { E2eWorld } from '../support/world';

const root = resolve(import.meta.dirname, '../..');
/** "Within a few seconds". */
const STOPS_WITHIN_MS = 5_000;

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const treeOf = (pid: number): number[] => [pid, ...childrenOf(pid).flatMap(treeOf)];
const commandOf = (pid: number) => {
  try {
    return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)]).toString().trim();
  } catch {
    return '';
  }
};

const portFree = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

async function startNpm(): Promise<{ npm: ReturnType<typeof spawn>; port: number; output: () => string }> {
  const port = await freePort();
  // Its own process group, as in a terminal: the signal reaches npm alone.
  const npm = spawn('npm', ['start', '--', '--in-memory'], { cwd: root, env: { ...process.env, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'WARN' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line in 40 s:\n${out}`)), 40_000);
    npm.stdout!.on('data', () => {
      if (/^ready http:\/\/127\.0\.0\.1:\d+$/m.test(out)) {
        clearTimeout(timer);
        ready();
      }
    });
    npm.once('exit', (code) => fail(new Error(`npm exited with ${code}:\n${out}`)));
  });
  return { npm, port, output: () => out };
}

describe('issue 15 §5: whatever signal ends npm start, nothing is left', () => {
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} to npm: node, the JVM, its watchdog and the port are gone within ${STOPS_WITHIN_MS / 1000} s`, async () => {
      const { npm, port, output } = await startNpm();
      const tree = treeOf(npm.pid!);
      const names = tree.map(commandOf);
      // npm → node (npm's sh execs it) → java and the JVM's watchdog: the whole tree is what must go.
      expect(names.some((n) => n.includes('java')), names.join(', ')).toBe(true);
      expect(tree.length).toBeGreaterThanOrEqual(4);
      const signalled = Date.now();
      process.kill(npm.pid!, signal);
      let left = tree;
      while (Date.now() - signalled < STOPS_WITHIN_MS + 5_000) {
        left = tree.filter(alive);
        if (left.length === 0 && (await portFree(port))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const took = Date.now() - signalled;
      // Whatever is still alive (a test failing should not leave it either).
      for (const pid of left) process.kill(pid, 'SIGKILL');
      expect(left.map((pid, i) => `${pid} ${names[tree.indexOf(pid)] ?? i}`), output()).toEqual([]);
      expect(await portFree(port)).toBe(true);
      console.log(`${signal}: ${tree.length} processes (${names.join(', ')}) gone in ${took} ms`);
      expect(took).toBeLessThan(STOPS_WITHIN_MS);
    }, 60_000);
  }
});

describe('issue 15 §9: a stack stops within a few seconds whatever is queued', () => {
  it('160 overlapping approvals queued for screening, its consumers let go, then a stop: done within 5 s', async () => {
    const world = new E2eWorld();
    await world.start({ cards: 40, at: '2026-03-10T15:00:00+09:00' });
    await world.stack.pauseConsumer('screening');
    const pay = world.terminalFetch();
    // Four retroactive sessions per card on days 1-4, one worker for all: every one overlaps others (SCR-01).
    const bodies = Array.from({ length: 160 }, (_, i) => {
      const day = `2026-03-0${Math.floor(i / 40) + 1}`;
      return paymentBody(world.terminal, { cardNumber: world.card((i % 40) + 1), kind: 'RETRO', reason: 'TERMINAL_BROKEN', serviceDate: day, serviceStartAt: `${day}T10:00:00+09:00` });
    });
    for (let i = 0; i < bodies.length; i += 8) {
      const answers = await Promise.all(bodies.slice(i, i + 8).map((b) => pay('POST', '/v1/terminal/payments', b)));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    }
    world.stack.resumeConsumer('screening');
    await new Promise((r) => setTimeout(r, 300)); // let the consumers take their first batches
    const started = Date.now();
    await world.stop();
    const took = Date.now() - started;
    console.log(`stopped with a screening backlog in ${took} ms`);
    expect(took).toBeLessThan(STOPS_WITHIN_MS);
  }, 90_000);
});
