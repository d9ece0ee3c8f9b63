/** Event factories for handlers: the shapes API Gateway (payload 2.0) and SQS give Lambda. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context, SQSEvent } from 'aws-lambda';

export function httpEvent(options: {
  method?: string;
  path: string;
  routeKey?: string;
  query?: Record<string, string>;
  body?: unknown;
  claims?: Record<string, string> | null;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = options.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `${method} ${options.path}`,
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000', apiId: 'test', domainName: 'test', domainPrefix: 'test', requestId: 'r', routeKey: `${method} ${options.path}`, stage: '$default',
      time: '', timeEpoch: 0,
      http: { method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      ...(options.claims === null ? {} : { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims ?? {}, scopes: [] } } }),
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export const sqsEvent = (bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: `h${i}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:000000000000:q',
    awsRegion: 'ap-northeast-2',
  })),
});

export const lambdaContext = (name = 'test'): Context => ({
  functionName: name, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`,
  memoryLimitInMB: '512', awsRequestId: 'req', logGroupName: 'g', logStreamName: 's', callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
});

export const provider = (providerId = 'P0001') => ({ sub: `u-${providerId}`, role: 'provider', providerId });
export const agency = () => ({ sub: 'u-agency', role: 'agency' });
export const municipality = (municipalityCode = '44130') => ({ sub: `u-m${municipalityCode}`, role: 'municipality', municipalityCode });

/**
 * Calls a function's handler the way API Gateway would for one of its named routes: the route
 * key from the table, the path from the template and its parameters.
 */
export async function callRoute<R extends Record<string, { method: string; path: string }>>(
  handler: (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>,
  routes: R,
  name: keyof R,
  options: { params?: Record<string, string>; body?: unknown; claims?: Record<string, string> | null; query?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Record<string, string> }> {
  const spec = routes[name]!;
  const params = options.params ?? {};
  const path = spec.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(params[p] ?? ''));
  const event = httpEvent({ method: spec.method, path, routeKey: `${spec.method} ${spec.path}`, claims: options.claims ?? null, body: options.body, ...(options.query ? { query: options.query } : {}) });
  if (Object.keys(params).length) event.pathParameters = params;
  event.headers = { ...event.headers, ...(options.headers ?? {}) };
  const out = (await handler(event, lambdaContext())) as { statusCode: number; body?: string; headers?: Record<string, string> };
  return { status: out.statusCode, body: out.body ? JSON.parse(out.body) : null, headers: out.headers ?? {} };
}
