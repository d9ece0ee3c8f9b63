/**
 * The terminal API (api.md, fixed): payments, offline batches (§4.7), same-day cancels (PAY-10)
 * and balance inquiries (PAY-12), each request signed by its terminal.
 */
import { mapConcurrent } from '../../domain/shared/concurrency';
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { balanceOf } from '../../domain/payments/balance';
import { cancelPayment } from '../../domain/payments/cancel';
import { takePayment } from '../../domain/payments/intake';
import type { PaymentRequest } from '../../domain/payments/payment';
import type { TerminalDeps } from '../../domain/payments/ports';
import { maskCardNumber } from '../../domain/registry/identity';
import { cancelRequest, paymentBatch, paymentRequest } from '../../events/payments';
import { realSleep, systemClock, systemRandom } from '../shared/clock';
import { stableJson } from '../shared/dynamo/batch';
import { dynamoTable } from '../shared/dynamo/client';
import { DynamoPaymentStore, randomApprovalNumbers, type StoredTerminal } from '../shared/dynamo/payment-store';
import { errorResponse, fieldsOf, type HttpEvent, type HttpResult, json, toHttpError } from '../shared/http';
import { flushMetrics, logger, metrics } from '../shared/observability';
import { routeNamed } from '../shared/routes';
import { rawBody, verifyTerminalRequest } from '../shared/terminal-auth';
import { personalDataVault } from '../shared/vault';
import { type Answer, answerOf } from './answers';
import { routes } from './routes';

export { routes };

/** Items of one offline batch written at once (different cards; one card's items stay in order). */
const BATCH_CONCURRENCY = 16;

let store: DynamoPaymentStore | undefined;
const payments = () => (store ??= new DynamoPaymentStore(dynamoTable()));
let terminalDeps: TerminalDeps | undefined;
const deps = () => (terminalDeps ??= { store: payments(), clock: systemClock, sleep: realSleep, random: systemRandom, approvalNumbers: randomApprovalNumbers });

const hashOf = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('hex');

function parse<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; answer: Answer } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, answer: { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'the request is not valid', details: { fields: fieldsOf(result.error) } } } } };
}

function record(answer: Answer, startedAt: number, kind: string): void {
  const ok = answer.status < 300;
  if (ok) metrics.addMetric(`${kind}Succeeded`, MetricUnit.Count, 1);
  else {
    const code = (answer.body as { error?: { code?: string } }).error?.code ?? String(answer.status);
    const single = metrics.singleMetric();
    single.addDimension('code', code);
    single.addMetric(`${kind}Refused`, MetricUnit.Count, 1);
  }
  metrics.addMetric(`${kind}Latency`, MetricUnit.Milliseconds, Date.now() - startedAt);
}

async function pay(terminal: StoredTerminal, raw: unknown): Promise<Answer> {
  const parsed = parse(paymentRequest, raw);
  if (!parsed.ok) return parsed.answer;
  const request = parsed.value as PaymentRequest;
  const answer = answerOf(await takePayment(deps(), terminal, request, hashOf(request)), 201);
  logger.info('payment', {
    serial: terminal.serial,
    transactionId: request.transactionId,
    card: maskCardNumber(request.cardNumber),
    status: answer.status,
    ...(answer.status === 201 ? { approvalNumber: (answer.body as { approvalNumber: string }).approvalNumber } : { code: (answer.body as { error?: { code?: string } }).error?.code }),
  });
  return answer;
}

async function payBatch(terminal: StoredTerminal, body: unknown): Promise<HttpResult> {
  const envelope = parse(paymentBatch, body);
  if (!envelope.ok) return json(envelope.answer.status, envelope.answer.body);
  const items = envelope.value.items;
  // §4.7: each item is decided as if sent alone; items of one card keep their order.
  const byCard = new Map<string, number[]>();
  items.forEach((item, i) => {
    const card = (item as { cardNumber?: unknown })?.cardNumber;
    const group = typeof card === 'string' ? card : `#${i}`;
    byCard.set(group, [...(byCard.get(group) ?? []), i]);
  });
  const results = new Array<{ transactionId: unknown; status: number; body: unknown }>(items.length);
  await mapConcurrent([...byCard.values()], BATCH_CONCURRENCY, async (group) => {
    for (const i of group) {
      const answer = await pay(terminal, items[i]);
      results[i] = { transactionId: (items[i] as { transactionId?: unknown })?.transactionId ?? null, status: answer.status, body: answer.body };
    }
  });
  return json(207, { results });
}

const toResult = (answer: Answer): HttpResult =>
  json(answer.status, answer.body, answer.retryAfterSeconds ? { 'retry-after': String(answer.retryAfterSeconds) } : {});

export const handler = middy<HttpEvent, HttpResult, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use({ onError: (request) => void (request.response = toHttpError(request.error)) })
  .handler(async (event) => {
    const startedAt = Date.now();
    const name = routeNamed(routes, event.routeKey);
    if (name === undefined) return errorResponse(404, 'NOT_FOUND', `no terminal route ${event.routeKey}`);
    const vault = await personalDataVault();
    // The signature check reads the terminal once and hands it over (it throws for an unknown one).
    const found: { terminal?: StoredTerminal } = {};
    await verifyTerminalRequest(event, systemClock.now(), async (serial) => {
      found.terminal = (await payments().terminal(serial)) ?? undefined;
      return found.terminal ? vault.open(found.terminal.secretSealed) : null;
    });
    const terminal = found.terminal!;
    const { serial } = terminal;
    let body: unknown;
    try {
      body = event.requestContext.http.method === 'GET' ? undefined : JSON.parse(rawBody(event) || 'null');
    } catch {
      return errorResponse(400, 'VALIDATION_FAILED', 'the body is not valid JSON', { fields: [{ path: '', message: 'invalid JSON' }] });
    }
    try {
      switch (name) {
        case 'pay': {
          const answer = await pay(terminal, body);
          record(answer, startedAt, 'Payment');
          return toResult(answer);
        }
        case 'payBatch':
          return await payBatch(terminal, body);
        case 'cancel': {
          const approval = event.pathParameters?.approvalNumber ?? '';
          const parsed = parse(cancelRequest, body);
          if (!parsed.ok) return toResult(parsed.answer);
          if (!/^\d{14}$/.test(approval)) return errorResponse(404, 'NOT_FOUND', 'no such approval', { rule: 'PAY-10' });
          const answer = answerOf(await cancelPayment(deps(), terminal, approval, parsed.value, hashOf({ approval, ...parsed.value })), 200);
          logger.info('cancel', { serial, approvalNumber: approval, status: answer.status });
          record(answer, startedAt, 'Cancel');
          return toResult(answer);
        }
        case 'balance': {
          const card = event.pathParameters?.cardNumber ?? '';
          const serviceCode = event.queryStringParameters?.serviceCode ?? '';
          const fields = [
            ...(/^\d{16}$/.test(card) ? [] : [{ path: 'cardNumber', message: 'must be 16 digits' }]),
            ...(/^\d{6}$/.test(serviceCode) ? [] : [{ path: 'query.serviceCode', message: 'must be the 6-digit service code' }]),
          ];
          if (fields.length) return errorResponse(400, 'VALIDATION_FAILED', 'the request is not valid', { fields });
          return toResult(answerOf(await balanceOf(deps(), terminal, card, serviceCode), 200));
        }
      }
    } finally {
      flushMetrics();
    }
  });
