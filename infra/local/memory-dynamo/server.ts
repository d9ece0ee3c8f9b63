/**
 * The in-memory DynamoDB on a local HTTP port, speaking the JSON protocol the SDK sends
 * (`X-Amz-Target: DynamoDB_20120810.PutItem`, `DynamoDBStreams_20120810.GetRecords`): every client
 * — the handlers' document client, the stream poller, the tests — talks to it as to DynamoDB Local.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MemoryDynamo } from './engine';
import { DynamoError } from './values';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': 'memory' });
  res.end(text);
}

export interface MemoryDynamoServer {
  endpoint: string;
  engine: MemoryDynamo;
  stop(): Promise<void>;
}

export async function startMemoryDynamo(): Promise<MemoryDynamoServer> {
  const engine = new MemoryDynamo();
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.split('.')[1] ?? '';
    readJson(req).then(
      (input) => {
        try {
          send(res, 200, engine.handle(operation, input));
        } catch (error) {
          if (error instanceof DynamoError) {
            send(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message, ...error.extra });
          } else send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String((error as Error).stack ?? error) });
        }
      },
      () => send(res, 400, { __type: 'com.amazonaws.dynamodb.v20120810#SerializationException', message: 'the body is not JSON' }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    engine,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
