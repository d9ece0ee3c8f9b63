/**
 * `npm start`: the whole system locally. Prints `ready http://127.0.0.1:<port>` when it accepts
 * requests; Ctrl-C, SIGTERM, SIGHUP — or npm ending in any way, even by SIGKILL — stops every part
 * and leaves no process or port behind.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { clearDataDir, dataDirFor } from './data-dir';
import { localStoreOf } from './servers';
import { LocalStack } from './stack';

const port = Number(process.env.PORT ?? 3000);
const started = Date.now();

let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Whatever is queued, a stop takes seconds (the consumers' batches get 1.5 s); this is the backstop.
  const timer = setTimeout(() => process.exit(code), 5_000);
  timer.unref();
  try {
    await stack?.stop();
  } finally {
    process.exit(code);
  }
}

// `npm start` execs this from npm's `sh`, so npm passes SIGINT and SIGTERM on to it. Whatever else
// ends npm (SIGHUP, even SIGKILL) leaves this process an orphan: it watches its parent — and, if
// that is a shell that did not exec (another script runner), the shell's parent too — and stops
// itself as soon as one is gone.
const watched = [process.ppid, ...(isShell(process.ppid) ? [parentOf(process.ppid)] : [])].filter((pid): pid is number => pid !== null && pid > 1);
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent || !watched.every(alive)) void shutdown(0);
}, 250).unref();

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
process.on('uncaughtException', (error) => {
  console.error(JSON.stringify({ level: 'ERROR', message: 'uncaught exception', error: String(error) }));
  void shutdown(1);
});

try {
  // The data directory keeps the table, the files and the keys across restarts; `--fresh` empties
  // it first; `--in-memory` (the tests) keeps nothing.
  const inMemory = process.argv.includes('--in-memory') || localStoreOf(process.env.LOCAL_STORE) === 'memory';
  const dataDir = inMemory ? undefined : dataDirFor(port);
  if (dataDir && process.argv.includes('--fresh')) clearDataDir(dataDir);
  stack = await LocalStack.start({ port, ...(dataDir ? { dataDir } : {}) });
  console.log(`ready ${stack.url}`);
  console.log(`ops console ${stack.url}/ops · API document ${stack.url}/docs`);
  console.error(JSON.stringify({ level: 'INFO', message: 'local stack ready', startMs: Date.now() - started, dataDir, queues: stack.queues.urls }));
} catch (error) {
  console.error(JSON.stringify({ level: 'ERROR', message: 'local stack failed to start', error: String(error) }));
  await shutdown(1);
}

/** A field of a process: from /proc on Linux (`linux`), from `ps -o <field>=` elsewhere; '' if neither tells. */
function processField(pid: number, field: 'ppid' | 'comm', linux: () => string): string {
  try {
    return linux();
  } catch {
    try {
      return execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)]).toString().trim();
    } catch {
      return '';
    }
  }
}

function parentOf(pid: number): number | null {
  return Number(processField(pid, 'ppid', () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!;
  })) || null;
}

function isShell(pid: number): boolean {
  return /(^|\/)-?(sh|dash|bash|zsh|ash)$/.test(processField(pid, 'comm', () => readFileSync(`/proc/${pid}/comm`, 'utf8').trim()));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
