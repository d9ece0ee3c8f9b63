/**
 * `--store dynamodb`: the simulation drives the whole local stack — DynamoDB Local, fauxqs, the
 * HTTP API, the pollers and the scheduler — in this process, through the fixed HTTP contract and
 * the local controls, and installs its faults on the clients the handlers share.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../functions/shared/dynamo/client';
import { sqsClient } from '../../functions/shared/sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalStore } from '../../infra/local/servers';
import { LocalStack } from '../../infra/local/stack';
import { signedHeaders } from '../support/terminal';
import type { Faults } from './faults';
import type { SimTerminal } from './world';

export interface Answer {
  status: number;
  body: any;
}

const RETRYABLE = (status: number) => status >= 500 || status === 429;

export class StackDriver {
  private readonly tokens = new Map<string, string>();
  /**
   * Every request the workload sent and the answer it got, one line each, in order: two runs of a
   * seed give the same trace, byte for byte (issue 12 §1). Retries show as their count.
   */
  readonly trace: string[] = [];

  private group: string[] | null = null;

  /**
   * Requests sent side by side (a race): their lines enter the trace in the order of the requests,
   * not of their answers.
   */
  async concurrently<T>(send: () => Promise<T>): Promise<T> {
    this.group = [];
    try {
      return await send();
    } finally {
      // Which racer met a conflict and was sent again is the race's: its retries are not traced.
      this.trace.push(...this.group.map((l) => l.replace(/ → (\d+) \(retried \d+\)/, ' → $1')).sort());
      this.group = null;
    }
  }

  /**
   * A trace line without what only this machine's run decides: the stack's ports, the URL
   * signatures made at real time, a registered terminal's secret and a list's tokens (signed with
   * keys drawn from the operating system's randomness, never from the seed).
   */
  private traced(line: string): void {
    (this.group ?? this.trace).push(line.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://local').replace(/([?&])(X-Amz-[A-Za-z-]+)=[^&"\s]*/g, '$1$2=…').replace(/"secret":"[^"]*"/g, '"secret":"…"').replace(/"nextToken":"[^"]*"/g, '"nextToken":"…"').replace(/nextToken=[^&\s"]*/g, 'nextToken=…'));
  }
  /** Problems the stack reported about itself (a consumer that failed, a schedule that threw). */
  readonly stackErrors: string[] = [];
  private constructor(readonly stack: LocalStack, private readonly faults: Faults) {}

  static async start(faults: Faults, store: LocalStore): Promise<StackDriver> {
    let driver: StackDriver | undefined;
    const stack = await LocalStack.start({
      port: 0,
      store,
      randomSeed: faults.seed,
      frozenClock: true,
      onError: (message, error) => driver?.stackErrors.push(`${message}: ${String(error).slice(0, 200)}`),
      scheduleFault: (name, scheduledTime) => faults.schedule(name, scheduledTime),
    });
    driver = new StackDriver(stack, faults);
    faults.installDynamo(dynamoTable().doc);
    faults.installSqs(sqsClient());
    return driver;
  }

  stop(): Promise<void> {
    return this.stack.stop();
  }

  private async http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`${this.stack.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(text === undefined ? {} : { body: text }) });
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = raw ? JSON.parse(raw) : null;
    } catch {
      // CSV or bytes: kept as text.
    }
    return { status: res.status, body: parsed };
  }

  async token(claims: Record<string, string>): Promise<string> {
    const key = JSON.stringify(claims);
    if (!this.tokens.has(key)) this.tokens.set(key, (await this.http('POST', '/_local/token', claims)).body.token);
    return this.tokens.get(key)!;
  }

  /** A people's API call as `claims`; a 5xx or 429 (a fault) is retried as a client would. */
  async call(claims: Record<string, string>, method: string, path: string, body?: unknown): Promise<Answer & { retried: number }> {
    const authorization = `Bearer ${await this.token(claims)}`;
    for (let retried = 0; ; retried++) {
      const answer = await this.http(method, path, body, { authorization });
      if (!RETRYABLE(answer.status) || retried >= 8) {
        this.traced(`${claims.role}${claims.providerId ? `:${claims.providerId}` : ''}${claims.municipalityCode ? `:${claims.municipalityCode}` : ''} ${method} ${path} ${body === undefined ? '' : JSON.stringify(body)} → ${answer.status}${retried ? ` (retried ${retried})` : ''} ${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}`);
        return { ...answer, retried };
      }
    }
  }

  /**
   * A signed terminal request at the stack's clock. A 5xx, 429 or an answer the fault plan loses
   * is sent again with the same body (PAY-09: the retry must find the first outcome).
   */
  async terminal(t: SimTerminal & { businessNumber: string }, method: 'GET' | 'POST', path: string, body: unknown, now: Date): Promise<Answer & { retried: number }> {
    const text = body === undefined ? '' : JSON.stringify(body);
    for (let retried = 0; ; retried++) {
      const headers = signedHeaders({ serial: t.serial, secret: t.secret, phone: t.phone, businessNumber: t.businessNumber }, method, path, text, now);
      const res = await fetch(`${this.stack.url}${path}`, { method, headers, ...(method === 'GET' ? {} : { body: text }) });
      const raw = await res.text();
      const answer = { status: res.status, body: raw ? JSON.parse(raw) : null };
      const lost = method === 'POST' && this.faults.hits('terminal.lost-answer', `${path}|${text}`);
      if ((!RETRYABLE(answer.status) && !lost) || retried >= 8) {
        this.traced(`terminal:${t.serial} ${method} ${path} ${text} → ${answer.status}${retried ? ` (retried ${retried})` : ''} ${raw}`);
        return { ...answer, retried };
      }
    }
  }

  private now: string | undefined;

  /**
   * Moves the stack's clock. The work of the instant it leaves is finished first: a consumer that
   * ran behind (a delayed or doubled message, a slow machine) would otherwise stamp its writes with
   * a later instant in one run than in another (issue 12 §1; the timing of a hold's release once
   * was 23:33 in one run of seed 1 and 23:58 in the next).
   */
  async setNow(instant: string): Promise<void> {
    if (this.now !== undefined && this.now !== instant) await this.drain();
    this.now = instant;
    const answer = await this.http('POST', '/_local/clock', { now: instant });
    if (answer.status !== 200) throw new Error(`clock not set: ${JSON.stringify(answer.body)}`);
  }

  async drain(): Promise<void> {
    const answer = await this.http('POST', '/_local/drain', { timeoutSeconds: 300 });
    if (answer.status !== 200) throw new Error(`the stack did not drain: ${JSON.stringify(answer.body)}`);
  }

  async cms(control: Record<string, unknown>): Promise<void> {
    const answer = await this.http('POST', '/_local/cms', control);
    if (answer.status !== 200) throw new Error(`CMS control refused: ${JSON.stringify(answer.body)}`);
  }

  /** Every page of a list. */
  async all(claims: Record<string, string>, path: string): Promise<any[]> {
    const items: any[] = [];
    let next: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const answer = await this.call(claims, 'GET', `${path}${next ? `${sep}nextToken=${encodeURIComponent(next)}` : ''}`);
      if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      items.push(...answer.body.items);
      next = answer.body.nextToken ?? null;
    } while (next);
    return items;
  }

  /** Diagnostics only (a disagreement's details): a provider × program's day buckets as stored. */
  async buckets(providerId: string, programCode: string): Promise<Record<string, unknown>[]> {
    const { doc, name } = dynamoTable();
    const out = await doc.send(new QueryCommand({ TableName: name, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `LEDGER#${providerId}#${programCode}` } }));
    return (out.Items ?? []).map(({ PK: _pk, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, ...rest }) => rest);
  }

  /** Diagnostics only: which ledger facts of a payment were applied. */
  async factsOf(approvalNumber: string): Promise<string[]> {
    const { doc, name } = dynamoTable();
    const kinds = ['APPROVED', 'SCREENED', 'CANCELLED', 'REFUNDED'];
    const out = await doc.send(new BatchGetCommand({ RequestItems: { [name]: { Keys: kinds.map((k) => ({ PK: `LFACT#${approvalNumber}#${k}`, SK: '#FACT' })) } } }));
    return (out.Responses?.[name] ?? []).map((i) => String(i.PK).split('#').pop()!);
  }

  /** Messages left in dead-letter queues: work the system gave up on. */
  async deadLetters(): Promise<Record<string, number>> {
    const sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const out: Record<string, number> = {};
    for (const [queue, url] of Object.entries(this.stack.queues.dlqUrls)) {
      const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
      const n = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
      if (n > 0) out[queue] = n;
    }
    sqs.destroy();
    return out;
  }
}
