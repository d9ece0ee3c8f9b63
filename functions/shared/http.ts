/**
 * The HTTP handler shape every people's endpoint shares: logger context, JSON body and query
 * parsing with zod, authentication and role check, and the error envelope of api.md
 * (`{"error": {"code", "message", "details"}}`). A handler body only parses → calls the domain → answers.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { type AnswerSpec, documented, type RouteContract } from './contract';
import { ApiError, type ErrorKind } from './errors';
import { inCursorScope, loadCursorKey } from './dynamo/pagination';
import { flushMetrics, logger } from './observability';
import { routeNamed, type RouteTable } from './routes';
import { type Principal, principalOf, requireRole, type Role } from './tenancy';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const STATUS: Record<ErrorKind, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RULE: 422,
  THROTTLED: 429,
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(status: number, code: string, message: string, details: Record<string, unknown> = {}): HttpResult {
  return json(status, { error: { code, message, details } });
}

/** The one zod → 400 mapping: each issue as `details.fields` — which field (under `prefix`), what is wrong. */
export function fieldsOf(error: z.ZodError, prefix?: string): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));
}

function validationFailed(error: z.ZodError, prefix?: string): HttpResult {
  return errorResponse(400, 'VALIDATION_FAILED', 'the request is not valid', { fields: fieldsOf(error, prefix) });
}

export function toHttpError(error: unknown): HttpResult {
  if (error instanceof ApiError) return errorResponse(STATUS[error.kind], error.code, error.message, error.details);
  if (error instanceof z.ZodError) return validationFailed(error);
  logger.error('unhandled error', { error: error as Error });
  return errorResponse(500, 'INTERNAL_ERROR', 'the request failed; it changed nothing and may be retried');
}

export interface RouteRequest<B, Q> {
  body: B;
  query: Q;
  path: Record<string, string | undefined>;
  principal: Principal;
  event: HttpEvent;
}

interface RouteSpec<B, Q> {
  roles: readonly Role[];
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** The path parameters' grammar: an id it refuses is a 400, before anything is read. */
  path?: z.ZodType<Record<string, string>>;
  /** What it answers when it succeeds (the API document; the e2e tests check real answers against it). */
  answers?: readonly AnswerSpec[];
}

function parseBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'the body is not valid JSON', { fields: [{ path: '', message: 'invalid JSON' }] });
  }
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? (where === 'query' ? {} : value));
  if (!result.success) {
    throw new ApiError('VALIDATION', 'VALIDATION_FAILED', `the request ${where} is not valid`, { fields: fieldsOf(result.error, where === 'body' ? undefined : where) });
  }
  return result.data;
}

/**
 * Every path parameter's grammar where a route names none: an id of letters, digits and `._:-`,
 * at most 100 characters (so that no key DynamoDB refuses is ever asked for).
 */
export const pathId = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be an id: 1-100 letters, digits or . _ : -');
const pathIds = z.record(z.string(), pathId);

/** A people's endpoint (JWT) with its allowed roles and the schemas of its body and query. */
export function route<B = undefined, Q = undefined>(spec: RouteSpec<B, Q>, fn: (req: RouteRequest<B, Q>) => Promise<HttpResult>): RouteHandler {
  const handler = middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: (request) => {
        request.response = toHttpError(request.error);
      },
    })
    .handler(async (event) => {
      const principal = principalOf(event);
      requireRole(principal, spec.roles);
      logger.appendKeys({ role: principal.role, sub: principal.sub, route: event.routeKey });
      const body = parseWith(spec.body, parseBody(event), 'body');
      const query = parseWith(spec.query, event.queryStringParameters, 'query');
      const path = parseWith(spec.path ?? pathIds, event.pathParameters ?? {}, 'path');
      // A list's tokens are this route's and this caller's (pagination.ts).
      await loadCursorKey();
      try {
        return await inCursorScope(`${event.routeKey}|${principal.role}|${principal.sub}|${principal.providerId ?? ''}|${principal.municipalityCode ?? ''}`, () => fn({ body, query, path, principal, event }));
      } finally {
        // What the route counted (EMF) is written with its own invocation.
        flushMetrics();
      }
    });
  return Object.assign(handler, { contract: { ...spec, path: spec.path ?? pathIds } as RouteContract });
}

/** A route's handler, carrying its contract for the API document. */
type RouteHandler = ((event: HttpEvent, context: Context) => Promise<HttpResult>) & { contract: RouteContract };

/**
 * One function serving its route table: the handler named like the event's route. A route the
 * table does not have answers 404, whatever the function serves otherwise.
 */
export function dispatch<R extends RouteTable>(routes: R, handlers: { [K in keyof R]: RouteHandler }) {
  const fn = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const name = routeNamed(routes, event.routeKey);
    if (name === undefined) return errorResponse(404, 'NOT_FOUND', `no route ${event.routeKey}`);
    return handlers[name]!(event, context);
  };
  return documented(fn, routes, Object.fromEntries(Object.keys(routes).map((k) => [k, handlers[k]!.contract])) as Record<keyof R, RouteContract>);
}

/** `?limit=` (default 50, max 500) and `?nextToken=`, as every list takes them (api.md). */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // Checked (length, authenticity, shape) by the cursor codec: any token not issued here is INVALID_CURSOR.
  nextToken: z.string().optional(),
};
