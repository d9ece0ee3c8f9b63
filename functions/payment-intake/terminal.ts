/**
 * The terminal API's shell (api.md "Terminal API"): the route is named, the request's signature is
 * checked against its terminal's secret (which also reads the terminal), the body is parsed, and
 * the route's function answers. Every answer is metered by kind: succeeded, refused by code, latency.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { systemClock } from '../shared/clock';
import type { StoredTerminal } from '../shared/dynamo/payment-store';
import { ApiError } from '../shared/errors';
import { errorResponse, fieldsOf, type HttpEvent, type HttpResult, json, toHttpError } from '../shared/http';
import { addDimensionedMetric, flushMetrics, logger, metrics } from '../shared/observability';
import { routeNamed, type RouteTable } from '../shared/routes';
import { rawBody, verifyTerminalRequest } from '../shared/terminal-auth';
import { personalDataVault } from '../shared/vault';
import type { Answer } from './answers';

export interface TerminalRequest {
  terminal: StoredTerminal;
  body: unknown;
  event: HttpEvent;
}

/** A route's answer, and the metric kind it counts under (none for a batch: its items count). */
export type TerminalRoute = (request: TerminalRequest) => Promise<{ answer: Answer; kind?: string }>;

/** The 400 of api.md for fields that are not valid. */
export const invalid = (fields: { path: string; message: string }[]): Answer => ({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'the request is not valid', details: { fields } } } });

/** The 400 of api.md for a body that does not parse. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; answer: Answer } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, answer: invalid(fieldsOf(result.error)) };
}

function meter(answer: Answer, startedAt: number, kind: string): void {
  if (answer.status < 300) metrics.addMetric(`${kind}Succeeded`, MetricUnit.Count, 1);
  else {
    addDimensionedMetric(`${kind}Refused`, MetricUnit.Count, 1, { code: (answer.body as { error?: { code?: string } }).error?.code ?? String(answer.status) });
  }
  metrics.addMetric(`${kind}Latency`, MetricUnit.Milliseconds, Date.now() - startedAt);
}

const toResult = (answer: Answer): HttpResult => json(answer.status, answer.body, answer.retryAfterSeconds ? { 'retry-after': String(answer.retryAfterSeconds) } : {});

/** The Lambda handler of a signed terminal route table; `terminal(serial)` reads a terminal (cached by its store). */
export function terminalHandler<R extends RouteTable>(routes: R, terminal: (serial: string, fresh: boolean) => Promise<StoredTerminal | null>, handlers: Record<keyof R, TerminalRoute>) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({ onError: (request) => void (request.response = toHttpError(request.error)) })
    .handler(async (event) => {
      const startedAt = Date.now();
      const name = routeNamed(routes, event.routeKey);
      if (name === undefined) return errorResponse(404, 'NOT_FOUND', `no terminal route ${event.routeKey}`);
      const vault = await personalDataVault();
      // The signature check reads the terminal once and hands it over (it throws for an unknown one).
      // A signature its cached copy refuses is checked once more against the table: a terminal
      // re-keyed or registered again a moment ago pays with its new secret at once (REG-03).
      const found: { terminal?: StoredTerminal } = {};
      const verify = (fresh: boolean) =>
        verifyTerminalRequest(event, systemClock.now(), async (serial) => {
          found.terminal = (await terminal(serial, fresh)) ?? undefined;
          if (!found.terminal) return null;
          // REG-03: a transferred terminal has no secret until its new owner re-keys it.
          if (!found.terminal.secretSealed) throw new ApiError('UNAUTHENTICATED', 'TERMINAL_REKEY_REQUIRED', 'the terminal was transferred; its owner re-keys it before it can pay', { rule: 'REG-03' });
          return vault.open(found.terminal.secretSealed);
        });
      try {
        await verify(false);
      } catch (error) {
        if (!(error instanceof ApiError) || !['BAD_SIGNATURE', 'TERMINAL_REKEY_REQUIRED'].includes(error.code) || !found.terminal) throw error;
        await verify(true);
      }
      let body: unknown;
      try {
        body = event.requestContext.http.method === 'GET' ? undefined : JSON.parse(rawBody(event) || 'null');
      } catch {
        return errorResponse(400, 'VALIDATION_FAILED', 'the body is not valid JSON', { fields: [{ path: '', message: 'invalid JSON' }] });
      }
      try {
        const { answer, kind } = await handlers[name]({ terminal: found.terminal!, body, event });
        if (kind) meter(answer, startedAt, kind);
        return toResult(answer);
      } finally {
        flushMetrics();
      }
    });
}
