/** Starts `npm start`'s program as a child process, as a person would, and stops it with SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../infra/local/servers';

export interface RunningStack {
  url: string;
  process: ChildProcess;
  output: () => string;
  readyMs: number;
  stop(): Promise<number | null>;
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  token(claims: Record<string, string>): Promise<string>;
}

const root = resolve(import.meta.dirname, '../..');

/** `npm start`'s program on `port` (default: a free one), in memory unless given a data directory. */
export async function startStack(port?: number, options: { dataDir?: string } = {}): Promise<RunningStack> {
  const chosen = port ?? (await freePort());
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', ...(options.dataDir ? [] : ['--in-memory'])], {
    cwd: root,
    env: { ...process.env, PORT: String(chosen), POWERTOOLS_LOG_LEVEL: 'WARN', ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${out}`)));
  });
  const readyMs = Date.now() - started;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    url,
    process: child,
    output: () => out,
    readyMs,
    call,
    token: async (claims) => (await call('POST', '/_local/token', claims)).body.token as string,
    stop: () =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop(child.exitCode);
        child.once('exit', (code) => resolveStop(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
