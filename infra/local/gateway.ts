/**
 * API Gateway HTTP API (payload format 2.0), locally: matches the routes of `infra/system.ts`,
 * verifies people's JWTs like the JWT authorizer, builds the same event Lambda receives and
 * writes back the handler's structured result.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTES, type RouteSpec } from '../system';
import { invoke } from './lambda';
import type { LocalIdentity } from './jwt';

/**
 * The largest body a request may carry: Lambda's synchronous invoke limit (6 MB), which binds
 * before API Gateway's own 10 MB.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** A body larger still is not read to its end: the connection is closed after the answer. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** A request the gateway refuses before any handler sees it (a 4xx with the error envelope). */
export class GatewayRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  params: string[];
}

const compiled: CompiledRoute[] = ROUTES.map((spec) => {
  const params: string[] = [];
  const pattern = spec.path.replace(/\{([^}+]+)(\+)?\}/g, (_, name: string, greedy?: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { spec, pattern: new RegExp(`^${pattern}$`), params };
});

function matchRoute(method: string, path: string): { spec: RouteSpec; pathParameters: Record<string, string> } | 'METHOD_NOT_ALLOWED' | null {
  let pathMatched = false;
  for (const route of compiled) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.spec.method !== method) continue;
    return { spec: route.spec, pathParameters: Object.fromEntries(route.params.map((p, i) => [p, decodePathPart(m[i + 1]!)])) };
  }
  return pathMatched ? 'METHOD_NOT_ALLOWED' : null;
}

/** A path segment as API Gateway passes it on, decoded; a malformed percent-encoding is the client's error. */
function decodePathPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new GatewayRefusal(400, 'VALIDATION_FAILED', `the path segment ${JSON.stringify(raw.slice(0, 100))} is not valid percent-encoding`);
  }
}

/**
 * The request's body, at most `MAX_BODY_BYTES`. A larger one is read on (and dropped) so that the
 * client, still sending, gets its 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new GatewayRefusal(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${MAX_BODY_BYTES / 1024 / 1024} MB, the Lambda invoke limit`);
    if (Number(req.headers['content-length'] ?? 0) > MAX_DRAIN_BYTES) {
      reject(tooLarge());
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      // Answered now; the connection closes after the answer (stack.ts), the rest is never read.
      else if (size > MAX_DRAIN_BYTES) reject(tooLarge());
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export const errorBody = (code: string, message: string, details: Record<string, unknown> = {}) => ({ error: { code, message, details } });

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, url: URL, identity: LocalIdentity, now: Date): Promise<void> {
  const method = req.method ?? 'GET';
  const match = matchRoute(method, url.pathname);
  if (match === null) return sendJson(res, 404, errorBody('NOT_FOUND', `no route ${method} ${url.pathname}`));
  if (match === 'METHOD_NOT_ALLOWED') return sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`));

  let claims: Record<string, string> | null = null;
  if (match.spec.auth === 'jwt') {
    claims = await identity.verify(req.headers.authorization);
    if (!claims) return sendJson(res, 401, errorBody('UNAUTHENTICATED', 'a valid bearer token is required'));
  }
  const body = await readBody(req);
  const event = toEvent(req, url, body, match.spec, match.pathParameters, claims, now);
  const result = (await invoke(match.spec.function, event)) as APIGatewayProxyStructuredResultV2 | string | object | undefined;
  writeResult(res, result);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `requestContext.time` as API Gateway writes it: `12/Mar/2020:19:03:58 +0000`. */
export function apiGatewayTime(at: Date): string {
  return `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
}

/** Media types an HTTP API passes as text; any other body arrives base64-encoded. */
const textual = (contentType: string | undefined) =>
  contentType !== undefined && /^\s*(text\/[^;]*|application\/(json|xml|javascript|[^;]*\+json|[^;]*\+xml))\s*(;|$)/i.test(contentType);

/**
 * The HTTP API (payload format 2.0) event of a request, as API Gateway builds it: the raw path
 * and query string as sent, headers lower-cased and joined, the `Cookie` header as `cookies`,
 * the `x-forwarded-*` headers, a binary body base64-encoded, the request time in its format.
 */
export function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  spec: RouteSpec,
  pathParameters: Record<string, string>,
  claims: Record<string, string> | null,
  now: Date,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    if (name === 'cookie') cookies = (Array.isArray(v) ? v : [v]).flatMap((c) => c.split(/;\s*/)).filter(Boolean);
    else headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? 443);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const [rawPath = '/', ...rest] = (req.url ?? '/').split('?');
  const routeKey = `${spec.method} ${spec.path}`;
  const binary = body.length > 0 && !textual(headers['content-type']);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: rest.join('?'),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: binary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method: spec.method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** API Gateway's rules: a structured result is used as is; anything else is a 200 JSON body. */
function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2 | string | object | undefined): void {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
    const headers: Record<string, string | number | string[]> = { ...(r.headers ?? {}), 'content-length': body.length };
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    res.writeHead(r.statusCode ?? 200, headers);
    res.end(body);
    return;
  }
  sendJson(res, 200, result ?? null);
}
