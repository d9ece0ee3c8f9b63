/**
 * The terminal API (api.md, fixed): payments, offline batches (§4.7), same-day cancels (PAY-10)
 * and balance inquiries (PAY-12), each request signed by its terminal (terminal.ts checks it).
 */
import { createHash } from 'node:crypto';
import { balanceOf } from '../../domain/payments/balance';
import { inCardOrder } from '../../domain/payments/batch';
import { cancelPayment } from '../../domain/payments/cancel';
import { takePayment } from '../../domain/payments/intake';
import type { SessionDeps } from '../../domain/payments/sessions';
import type { PaymentRequest } from '../../domain/payments/payment';
import type { TerminalDeps } from '../../domain/payments/ports';
import { maskCardNumber } from '../../domain/registry/identity';
import { balanceInquiry, cancelRequest, paymentBatch, paymentRequest } from '../../events/payments';
import { documented } from '../shared/contract';
import { realSleep, systemClock, systemRandom } from '../shared/clock';
import { stableJson } from '../shared/dynamo/batch';
import { randomApprovalNumbers, type StoredTerminal } from '../shared/dynamo/payment-store';
import { koreanHolidays } from '../shared/holidays';
import { logger } from '../shared/observability';
import { randomSessionIds } from '../shared/dynamo/session-store';
import { paymentStore, sessionStore } from '../shared/stores';
import { type Answer, answerOf } from './answers';
import { contracts } from './contract';
import { routes } from './routes';
import { sessionRoutes } from './sessions';
import { parse, terminalHandler } from './terminal';

/** Items of one offline batch written at once (different cards; one card's items stay in order). */
const BATCH_CONCURRENCY = 16;

let terminalDeps: SessionDeps | undefined;
const deps = (): SessionDeps =>
  (terminalDeps ??= { store: paymentStore(), sessions: sessionStore(), sessionIds: randomSessionIds, clock: systemClock, sleep: realSleep, random: systemRandom, approvalNumbers: randomApprovalNumbers, holidays: koreanHolidays });
const hashOf = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('hex');

async function pay(terminal: StoredTerminal, raw: unknown): Promise<Answer> {
  const parsed = parse(paymentRequest, raw);
  if (!parsed.ok) return parsed.answer;
  const request: PaymentRequest = parsed.value;
  const answer = answerOf(await takePayment(deps(), terminal, request, hashOf(request)), 201);
  const body = answer.body as { approvalNumber?: string; error?: { code?: string } };
  logger.info('payment', { serial: terminal.serial, transactionId: request.transactionId, card: maskCardNumber(request.cardNumber), status: answer.status, ...(answer.status === 201 ? { approvalNumber: body.approvalNumber } : { code: body.error?.code }) });
  return answer;
}

export { routes };
/** The terminal routes, carrying their contracts for the API document (contract.ts). */
export const handler = documented(terminalHandler(routes, (serial, fresh) => paymentStore().terminal(serial, fresh), {
  pay: async ({ terminal, body }) => ({ answer: await pay(terminal, body), kind: 'Payment' }),
  payBatch: async ({ terminal, body }) => {
    const envelope = parse(paymentBatch, body);
    if (!envelope.ok) return { answer: envelope.answer };
    const results = await inCardOrder(envelope.value.items, BATCH_CONCURRENCY, async (item) => {
      const answer = await pay(terminal, item);
      return { transactionId: (item as { transactionId?: unknown } | null)?.transactionId ?? null, status: answer.status, body: answer.body };
    });
    return { answer: { status: 207, body: { results } } };
  },
  cancel: async ({ terminal, body, event }) => {
    const approval = event.pathParameters?.approvalNumber ?? '';
    const parsed = parse(cancelRequest, body);
    if (!parsed.ok) return { answer: parsed.answer };
    if (!/^\d{14}$/.test(approval)) return { answer: { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such approval', details: { rule: 'PAY-10' } } } } };
    const answer = answerOf(await cancelPayment(deps(), terminal, approval, parsed.value, hashOf({ approval, ...parsed.value })), 200);
    logger.info('cancel', { serial: terminal.serial, approvalNumber: approval, status: answer.status });
    return { answer, kind: 'Cancel' };
  },
  balance: async ({ terminal, event }) => {
    const q = parse(balanceInquiry, { cardNumber: event.pathParameters?.cardNumber ?? '', query: { serviceCode: event.queryStringParameters?.serviceCode ?? '' } });
    return { answer: q.ok ? answerOf(await balanceOf(deps(), terminal, q.value.cardNumber, q.value.query.serviceCode), 200) : q.answer };
  },
  ...sessionRoutes(deps, hashOf),
}), routes, contracts);
