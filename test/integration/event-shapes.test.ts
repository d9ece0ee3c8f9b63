/**
 * AWS event shapes (issue 15 §7): the events the local stack builds for its functions are the
 * ones AWS would send, checked against @aws-lambda-powertools/parser's schemas — the HTTP API's
 * payload format 2.0 (from real requests to a real server), SQS (from fauxqs) and DynamoDB
 * Streams (from DynamoDB Local, whose stream sends an empty map as `{}` where AWS sends `{"M":{}}`).
 */
import { createServer, request, type Server } from 'node:http';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { APIGatewayProxyEventV2Schema, DynamoDBStreamSchema, SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEvent } from '../../infra/local/gateway';
import { sqsEventOf } from '../../infra/local/pollers';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/servers';
import { streamEventOf } from '../../infra/local/stream-poller';
import { ROUTES } from '../../infra/system';
import { useLocalEnvironment, type TestEnvironment } from '../support/local';

let env: TestEnvironment;
let server: Server;
let port = 0;
const route = ROUTES.find((r) => r.path === '/v1/holds/{holdId}/documents')!;
const AT = new Date('2020-03-12T19:03:58.123Z');

beforeAll(async () => {
  env = await useLocalEnvironment();
  // Answers each request with the event the local gateway builds for it.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const event = toEvent(req, url, Buffer.concat(chunks), route, { holdId: 'H1' }, { sub: 'u-1', role: 'provider' }, AT);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(event));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((r) => server.close(r)));

function eventOf(path: string, headers: Record<string, string>, body?: Buffer | string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('issue 15 §7: the HTTP API event (payload format 2.0)', () => {
  it('a JSON request: the schema holds, the time is API Gateway\'s, cookies are split out, x-forwarded-* are set, the raw path and query are as sent', async () => {
    const path = '/v1/holds/H%201/documents?b=2&a=%ED%95%9C&a=x';
    const event = await eventOf(path, { 'content-type': 'application/json', cookie: 'session=abc; theme=dark', 'user-agent': 'vitest' }, '{"fileName":"영수증.png"}');
    expect(APIGatewayProxyEventV2Schema.safeParse(event).error).toBeUndefined();
    expect(event.requestContext.time).toBe('12/Mar/2020:19:03:58 +0000');
    expect(event.requestContext.timeEpoch).toBe(AT.getTime());
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-port': String(port), 'x-forwarded-proto': 'http', 'x-amzn-trace-id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/) });
    expect(event.rawPath).toBe('/v1/holds/H%201/documents');
    expect(event.rawQueryString).toBe('b=2&a=%ED%95%9C&a=x');
    expect(event.queryStringParameters).toEqual({ b: '2', a: '한,x' });
    expect(event).toMatchObject({ isBase64Encoded: false, body: '{"fileName":"영수증.png"}', routeKey: 'POST /v1/holds/{holdId}/documents', version: '2.0' });
  });

  it('a binary body arrives base64-encoded, byte for byte; a form body too (an HTTP API passes only text types as text)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);
    const binary = await eventOf('/v1/holds/H1/documents', { 'content-type': 'image/png' }, png);
    expect(APIGatewayProxyEventV2Schema.safeParse(binary).error).toBeUndefined();
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body, 'base64')).toEqual(png);
    const form = await eventOf('/v1/holds/H1/documents', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1');
    expect(form).toMatchObject({ isBase64Encoded: true, body: Buffer.from('a=1').toString('base64') });
    for (const type of ['text/csv; charset=utf-8', 'application/problem+json', 'application/xml']) expect((await eventOf('/v1/holds/H1/documents', { 'content-type': type }, 'x')).isBase64Encoded, type).toBe(false);
    const empty = await eventOf('/v1/holds/H1/documents', {});
    expect(empty.body).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
  });
});

describe('issue 15 §7: the SQS event', () => {
  it('a message from fauxqs with attributes: the schema holds and its message attributes are passed on', async () => {
    const sqs = new SQSClient({ endpoint: env.queueEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const url = env.queues.urls.screening;
    await sqs.send(new SendMessageCommand({
      QueueUrl: url,
      MessageBody: '{"approvalNumber":"26031000000001"}',
      MessageAttributes: { source: { DataType: 'String', StringValue: 'outbox' }, attempt: { DataType: 'Number', StringValue: '2' }, blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } },
    }));
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    sqs.destroy();
    const event = sqsEventOf('screening', out.Messages ?? []);
    expect(event.Records).toHaveLength(1);
    expect(SqsSchema.safeParse(event).error).toBeUndefined();
    expect(event.Records[0]!.messageAttributes).toEqual({
      source: { dataType: 'String', stringValue: 'outbox', stringListValues: [], binaryListValues: [] },
      attempt: { dataType: 'Number', stringValue: '2', stringListValues: [], binaryListValues: [] },
      blob: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 3]).toString('base64'), stringListValues: [], binaryListValues: [] },
    });
  });
});

describe('issue 15 §7: the DynamoDB Streams event', () => {
  it('items with empty maps (top level, nested, in a list): DynamoDB Local sends `{}`, the poller hands on `{"M":{}}`, and the schema unmarshals every image', async () => {
    const dynamo = new DynamoDBClient({ endpoint: env.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const streams = new DynamoDBStreamsClient({ endpoint: env.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const item = { PK: { S: 'T#1' }, SK: { S: 'X' }, empty: { M: {} }, nested: { M: { inner: { M: {} }, n: { N: '1' } } }, list: { L: [{ M: {} }, { S: 'a' }] } };
    await dynamo.send(new PutItemCommand({ TableName: env.tableName, Item: item }));
    await dynamo.send(new PutItemCommand({ TableName: env.tableName, Item: { ...item, empty: { M: { now: { BOOL: true } } } } }));
    const arn = (await dynamo.send(new DescribeTableCommand({ TableName: env.tableName }))).Table!.LatestStreamArn!;
    const records: _Record[] = [];
    for (const shard of (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards ?? []) {
      const iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      records.push(...((await streams.send(new GetRecordsCommand({ ShardIterator: iterator! }))).Records ?? []).filter((r) => r.dynamodb?.Keys?.PK?.S === 'T#1'));
    }
    dynamo.destroy();
    streams.destroy();
    expect(records).toHaveLength(2);
    const event = streamEventOf(arn, records);
    const parsed = DynamoDBStreamSchema.safeParse(event);
    expect(parsed.error).toBeUndefined();
    const [created, updated] = parsed.data!.Records;
    expect(created!.dynamodb.NewImage).toEqual({ PK: 'T#1', SK: 'X', empty: {}, nested: { inner: {}, n: 1 }, list: [{}, 'a'] });
    expect(updated!.dynamodb.OldImage).toEqual(created!.dynamodb.NewImage);
    expect(updated!.dynamodb.NewImage).toMatchObject({ empty: { now: true } });
    // What the local stream itself sent, where it differs from AWS: the poller corrected it.
    expect(JSON.stringify(records[0]!.dynamodb!.NewImage)).toContain('"empty":{}');
    expect(DynamoDBStreamSchema.safeParse({ Records: [{ ...event.Records[0], dynamodb: { ...event.Records[0]!.dynamodb, NewImage: records[0]!.dynamodb!.NewImage } }] }).success).toBe(false);
  });
});
