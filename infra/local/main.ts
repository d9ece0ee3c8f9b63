/**
 * `npm start`: the whole system locally. Prints `ready http://127.0.0.1:<port>` when it accepts
 * requests; Ctrl-C or SIGTERM stops every part and leaves no process or port behind.
 */
import { LocalStack } from './stack';

const port = Number(process.env.PORT ?? 3000);
const started = Date.now();

let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(code), 10_000);
  timer.unref();
  try {
    await stack?.stop();
  } finally {
    process.exit(code);
  }
}

// `npm start` runs this under `sh`; when npm is stopped with SIGTERM it does not pass the signal
// on, so a stack whose parent went away stops itself rather than live on as an orphan.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0);
}, 500).unref();

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('uncaughtException', (error) => {
  console.error(JSON.stringify({ level: 'ERROR', message: 'uncaught exception', error: String(error) }));
  void shutdown(1);
});

try {
  stack = await LocalStack.start({ port });
  console.log(`ready ${stack.url}`);
  console.error(JSON.stringify({ level: 'INFO', message: 'local stack ready', startMs: Date.now() - started, queues: stack.queues.urls }));
} catch (error) {
  console.error(JSON.stringify({ level: 'ERROR', message: 'local stack failed to start', error: String(error) }));
  await shutdown(1);
}
