/**
 * The whole system on one machine: DynamoDB Local, fauxqs (SQS + S3), the HTTP API, the SQS
 * pollers, the scheduler and the local-only controls of api.md — all reading one clock.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { formatKst } from '../../domain/shared/calendar';
import { type ScheduleName, scheduleNames } from '../../events/schedule';
import { setClock, setRandomSeed, systemClock } from '../../functions/shared/clock';
import { dlqUrlVariable, queueUrlVariable, resetConfig } from '../../functions/shared/config';
import { evaluateAlarms } from '../../domain/operations/alarms';
import { LocalMetrics } from './metrics';
import { ALARMS, type QueueName, SCHEDULES } from '../system';
import { CmsSimulator, cmsControlRequest } from './cms-simulator';
import { isPage, metricsAnswer, servePage } from './console';
import { freshKeys, keysIn, S3Mirror } from './data-dir';
import { errorBody, GatewayRefusal, handleApiRequest, readBody, sendJson } from './gateway';
import { LocalIdentity, tokenRequest } from './jwt';
import { invocationScopes, invoke } from './lambda';
import { QueuePollers } from './pollers';
import { LocalScheduler, type ScheduleFault } from './scheduler';
import { createBucket, createQueues, createTable, type DynamoLocal, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalQueues, type LocalStore, localStoreOf, startDynamo, startQueueServer } from './servers';
import { StreamPoller } from './stream-poller';

export const TABLE_NAME = 'voucher-platform';
export const BUCKET_NAME = 'voucher-platform-files';

export interface LocalStackOptions {
  port: number;
  /** Where the stack reports its own problems (handler logs go to stdout as in Lambda). */
  onError?: (message: string, error: unknown) => void;
  /** The simulation's schedule faults (test/sim): an occurrence skipped, doubled or late. */
  scheduleFault?: ScheduleFault;
  /** DynamoDB Local (default; `LOCAL_STORE` may say otherwise) or the in-memory DynamoDB. */
  store?: LocalStore;
  /** Every id and approval number drawn from this seed (a simulation's run repeats byte for byte). */
  randomSeed?: number;
  /** The clock stands still at each instant set (a simulation's clock moves only when it says so). */
  frozenClock?: boolean;
  /**
   * Where the stack keeps what it must not lose across a restart (data-dir.ts): the table, the
   * bucket's objects and its keys. Without one, everything is in memory (tests, `--fresh`).
   */
  dataDir?: string;
}

const clockRequest = z.object({ now: z.iso.datetime({ offset: true }).nullable() }).strict();
const consumerRequest = z.object({ paused: z.boolean() }).strict();
const drainRequest = z.object({ timeoutSeconds: z.number().int().min(1).max(600).default(120) }).strict();

export class LocalStack {
  private identity!: LocalIdentity;
  private mirror: S3Mirror | undefined;
  private readonly runs = new Set<Promise<unknown>>();
  private server!: Server;
  private pollers!: QueuePollers;
  private scheduler!: LocalScheduler;
  private streamPoller!: StreamPoller;
  private sqs!: SQSClient;
  private dynamo!: DynamoLocal;
  private queueServer!: Awaited<ReturnType<typeof startQueueServer>>;
  queues!: LocalQueues;
  /** The handlers' EMF metrics (the local CloudWatch). */
  readonly metrics = new LocalMetrics();
  private observability?: typeof import('../../functions/shared/observability');
  url = '';
  /** The CMS relay simulator (`/_local/cms-relay/…`, controlled by `POST /_local/cms`). */
  readonly cms = new CmsSimulator(systemClock, 1_500);

  private constructor(private readonly options: LocalStackOptions) {}

  static async start(options: LocalStackOptions): Promise<LocalStack> {
    const stack = new LocalStack(options);
    if (options.randomSeed !== undefined) setRandomSeed(options.randomSeed);
    try {
      await stack.boot();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  private report = (message: string, error: unknown) => (this.options.onError ?? ((m, e) => console.error(JSON.stringify({ level: 'ERROR', message: m, error: String(e) }))))(message, error);

  private async boot(): Promise<void> {
    const { dataDir } = this.options;
    const keys = dataDir ? keysIn(dataDir) : freshKeys();
    this.identity = new LocalIdentity(Buffer.from(keys.jwt, 'base64url'));
    const [dynamo, queueServer] = await Promise.all([
      startDynamo(this.options.store ?? localStoreOf(process.env.LOCAL_STORE), dataDir ? join(dataDir, 'dynamodb') : undefined),
      startQueueServer(dataDir !== undefined),
    ]);
    this.dynamo = dynamo;
    this.queueServer = queueServer;
    await createTable(dynamo.endpoint, TABLE_NAME);
    this.queues = await createQueues(queueServer.address);
    await createBucket(queueServer.address, BUCKET_NAME);
    if (dataDir) {
      const s3 = new S3Client({ endpoint: queueServer.address, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
      this.mirror = new S3Mirror(dataDir, s3, BUCKET_NAME, queueServer.spy);
      await this.mirror.restore();
      this.mirror.start();
    }

    // The handlers read their configuration as in Lambda; set it before the first one loads.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      TABLE_NAME,
      BUCKET_NAME,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SQS_ENDPOINT: queueServer.address,
      S3_ENDPOINT: queueServer.address,
      PII_KEYS: JSON.stringify(keys.pii),
      CURSOR_KEY: keys.cursor,
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      ...Object.fromEntries((Object.entries(this.queues.urls) as [QueueName, string][]).map(([q, url]) => [queueUrlVariable(q), url])),
      ...Object.fromEntries((Object.entries(this.queues.dlqUrls) as [QueueName, string][]).map(([q, url]) => [dlqUrlVariable(q), url])),
      OPS_QUEUES: Object.keys(this.queues.urls).join(','),
    });
    // Powertools' state is scoped per invocation: its modules load only once invocations can be scoped.
    await invocationScopes();
    this.observability = await import('../../functions/shared/observability');
    this.observability.setMetricsSink((emf) => this.metrics.record(emf));

    this.sqs = new SQSClient({ endpoint: queueServer.address, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    this.pollers = new QueuePollers(this.sqs, this.queues.urls, (queue, error) => this.report(`consumer of ${queue} failed`, error));
    this.scheduler = new LocalScheduler(systemClock, (name, event) => void this.track(invoke(SCHEDULES[name]!.function, event)).catch((e) => this.report(`schedule ${name} failed`, e)), this.options.scheduleFault);

    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const work = isPage(url.pathname)
        ? servePage(req, res, url, this.url)
        : url.pathname.startsWith('/_local/')
          ? this.control(req, res, url)
          : handleApiRequest(req, res, url, this.identity, systemClock.now());
      work.catch((error: Error) => {
        if (error instanceof GatewayRefusal) {
          // Past the drain limit the rest of the body is not read: the connection closes after the answer.
          if (!req.complete) res.setHeader('connection', 'close');
          return sendJson(res, error.status, errorBody(error.code, error.message));
        }
        this.report('request failed', error);
        if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL_ERROR', 'the request failed'));
      });
    });
    // A request Node's parser cannot read (bad framing, a header too large) gets the envelope too.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
      const [status, code] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'HEADERS_TOO_LARGE'] : [400, 'BAD_REQUEST'];
      const text = JSON.stringify(errorBody(code, `the request is not valid HTTP (${error.code ?? 'parse error'})`));
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    // The production relay adapter talks to the simulator; a short timeout keeps timeouts testable.
    Object.assign(process.env, { CMS_RELAY_URL: `${this.url}/_local/cms-relay`, CMS_RELAY_TIMEOUT_MS: process.env.CMS_RELAY_TIMEOUT_MS ?? '500', LOCAL_ALARMS_URL: `${this.url}/_local/alarms` });
    resetConfig();
    this.streamPoller = new StreamPoller(dynamo.endpoint, TABLE_NAME, (error) => this.report('table stream consumer failed', error));
    await this.streamPoller.start();
    this.pollers.start();
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    if (this.options.randomSeed !== undefined) setRandomSeed(null);
    this.observability?.setMetricsSink(undefined);
    this.scheduler?.stop();
    await this.streamPoller?.stop();
    await this.pollers?.stop();
    if (this.server?.listening) {
      this.server.closeAllConnections();
      await new Promise((r) => this.server.close(r));
    }
    this.sqs?.destroy();
    // The last uploads reach the disk before fauxqs (which holds them) goes.
    await this.mirror?.stop();
    await this.queueServer?.stop();
    await this.dynamo?.stop();
  }

  /** The DynamoDB Local JVM's process id (the bench reads its CPU time). */
  get dynamoPid(): number | undefined {
    return this.dynamo?.process?.pid;
  }

  /** Holds a queue's consumer (the bench measures intake alone this way); messages wait in the queue. */
  pauseConsumer(queue: QueueName): Promise<void> {
    return this.pollers.pause(queue);
  }

  resumeConsumer(queue: QueueName): void {
    this.pollers.resume(queue);
  }

  /** Holds the table stream's consumer back (its records wait on the stream) or lets it read on. */
  holdStream(held: boolean): void {
    this.streamPoller.paused = held;
    if (!held) this.streamPoller.wake();
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run)).catch(() => undefined);
    return run;
  }

  /**
   * Waits until the table stream is read to its end, every consumed queue is empty, every consumer
   * idle and no scheduled run in flight.
   */
  async drain(timeoutMs = 120_000): Promise<{ drained: boolean; pending: Record<string, number> }> {
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    let pending: Record<string, number> = {};
    while (Date.now() < deadline) {
      const checkedAt = Date.now();
      await Promise.allSettled([...this.runs]);
      pending = await this.pollers.pending();
      this.streamPoller.wake();
      while (!this.streamPoller.caughtUp(checkedAt) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      // A paused consumer's messages wait in its queue by design: drained means everything else is done.
      const quiet = this.runs.size === 0 && this.pollers.idle && Object.entries(pending).every(([queue, n]) => n === 0 || this.pollers.isPaused(queue));
      quietChecks = quiet ? quietChecks + 1 : 0;
      if (quietChecks >= 2) return { drained: true, pending };
      await new Promise((r) => setTimeout(r, quiet ? 10 : 50));
    }
    return { drained: false, pending };
  }

  async healthy(): Promise<Record<string, boolean>> {
    const dynamo = new DynamoDBClient({ endpoint: this.dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const probe = async (fn: () => Promise<unknown>) => fn().then(() => true, () => false);
    const components = {
      dynamodb: await probe(() => dynamo.send(new ListTablesCommand({}))),
      sqsS3: await probe(async () => {
        const res = await fetch(`${this.queueServer.address}/health`);
        if (!res.ok) throw new Error(String(res.status));
      }),
      api: this.server.listening,
      pollers: true,
      scheduler: true,
    };
    dynamo.destroy();
    return components;
  }

  private async control(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const parse = async <T>(schema: z.ZodType<T>): Promise<T | undefined> => {
      const raw = (await readBody(req)).toString('utf8');
      let value: unknown = {};
      try {
        value = raw ? JSON.parse(raw) : {};
      } catch {
        sendJson(res, 400, errorBody('VALIDATION_FAILED', 'the body is not valid JSON'));
        return undefined;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        sendJson(res, 400, errorBody('VALIDATION_FAILED', 'the request is not valid', { fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }));
        return undefined;
      }
      return parsed.data;
    };

    if (url.pathname.startsWith('/_local/cms-relay/')) return this.cms.handle(req, res, url, url.pathname.slice('/_local/cms-relay'.length));
    if (method === 'POST' && url.pathname === '/_local/cms') {
      const body = await parse(cmsControlRequest);
      if (body) sendJson(res, 200, { ...this.cms.control(body), received: [...this.cms.received.keys()] });
      return;
    }

    if (method === 'GET' && url.pathname === '/_local/alarms') {
      // The dashboard's alarms (infra/system.ts ALARMS) evaluated as CloudWatch would, from the queues and the handlers' EMF metrics.
      const { SqsQueueOps } = await import('../../functions/shared/ops/queue-ops');
      const queues = await new SqsQueueOps().queues();
      return sendJson(res, 200, { items: evaluateAlarms(ALARMS, { queues, metricSum: (name, _service, minutes) => this.metrics.sum(name, minutes) }) });
    }
    if (method === 'GET' && url.pathname === '/_local/metrics') {
      const { status, body } = metricsAnswer(this.metrics, url);
      return sendJson(res, status, body);
    }
    if (method === 'GET' && url.pathname === '/_local/health') {
      const components = await this.healthy();
      return sendJson(res, Object.values(components).every(Boolean) ? 200 : 503, { status: Object.values(components).every(Boolean) ? 'ok' : 'degraded', components });
    }
    if (method === 'POST' && url.pathname === '/_local/clock') {
      const body = await parse(clockRequest);
      if (!body) return;
      setClock(body.now === null ? null : new Date(body.now), this.options.frozenClock ?? false);
      // The schedules the jump passed fire now, not at the scheduler's next tick, so a drain that
      // follows waits for them (tests wait for state, never for time).
      this.scheduler.tick();
      return sendJson(res, 200, { now: formatKst(systemClock.now()), real: body.now === null });
    }
    if (method === 'POST' && url.pathname === '/_local/token') {
      const body = await parse(tokenRequest);
      if (!body) return;
      return sendJson(res, 200, { token: await this.identity.mint(body) });
    }
    if (method === 'POST' && url.pathname === '/_local/drain') {
      const body = await parse(drainRequest);
      if (!body) return;
      const result = await this.drain(body.timeoutSeconds * 1000);
      return sendJson(res, result.drained ? 200 : 504, result);
    }
    const consumer = /^\/_local\/consumers\/([^/]+)$/.exec(url.pathname);
    if (method === 'POST' && consumer) {
      // Holds (or lets go) one queue's consumer: its messages wait in the queue meanwhile.
      const queue = decodeURIComponent(consumer[1]!) as QueueName;
      if (!this.pollers.consumed.includes(queue)) return sendJson(res, 404, errorBody('NOT_FOUND', `no consumed queue ${queue}`, { queues: this.pollers.consumed }));
      const body = await parse(consumerRequest);
      if (!body) return;
      if (body.paused) await this.pollers.pause(queue);
      else this.pollers.resume(queue);
      return sendJson(res, 200, { queue, paused: body.paused, pending: (await this.pollers.pending())[queue] });
    }
    const schedule = /^\/_local\/schedules\/([^/]+)\/run$/.exec(url.pathname);
    if (method === 'POST' && schedule) {
      const name = decodeURIComponent(schedule[1]!) as ScheduleName;
      if (!scheduleNames.includes(name)) return sendJson(res, 404, errorBody('NOT_FOUND', `no schedule ${name}`, { schedules: scheduleNames }));
      const spec = SCHEDULES[name];
      if (!spec) return sendJson(res, 404, errorBody('NOT_FOUND', `schedule ${name} is not part of this build yet`, { deployed: Object.keys(SCHEDULES) }));
      const event = { version: 1, schedule: name, scheduledTime: formatKst(systemClock.now()) };
      let result: unknown;
      try {
        result = await this.track(invoke(spec.function, event));
      } catch (error) {
        this.report(`schedule ${name} failed`, error);
        return sendJson(res, 500, errorBody('SCHEDULE_FAILED', `schedule ${name} failed: ${(error as Error).message}`));
      }
      const drained = await this.drain();
      return sendJson(res, drained.drained ? 200 : 504, { schedule: name, scheduledTime: event.scheduledTime, result, ...drained });
    }
    return sendJson(res, 404, errorBody('NOT_FOUND', `no local control ${method} ${url.pathname}`));
  }
}
