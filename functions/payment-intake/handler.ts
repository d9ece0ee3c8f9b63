/**
 * The terminal API (api.md, fixed): payments, offline batches (§4.7), same-day cancels (PAY-10)
 * and balance inquiries (PAY-12), each request signed by its terminal (terminal.ts checks it).
 */
import { createHash } from 'node:crypto';
import { balanceOf } from '../../domain/payments/balance';
import { inCardOrder } from '../../domain/payments/batch';
import { cancelPayment } from '../../domain/payments/cancel';
import { takePayment } from '../../domain/payments/intake';
import type { PaymentRequest } from '../../domain/payments/payment';
import type { TerminalDeps } from '../../domain/payments/ports';
import { maskCardNumber } from '../../domain/registry/identity';
import { cancelRequest, paymentBatch, paymentRequest } from '../../events/payments';
import { realSleep, systemClock, systemRandom } from '../shared/clock';
import { stableJson } from '../shared/dynamo/batch';
import { randomApprovalNumbers, type StoredTerminal } from '../shared/dynamo/payment-store';
import { logger } from '../shared/observability';
import { stores } from '../shared/stores';
import { type Answer, answerOf } from './answers';
import { routes } from './routes';
import { invalid, parse, terminalHandler } from './terminal';

/** Items of one offline batch written at once (different cards; one card's items stay in order). */
const BATCH_CONCURRENCY = 16;

const payments = stores.payments;
let terminalDeps: TerminalDeps | undefined;
const deps = () => (terminalDeps ??= { store: payments(), clock: systemClock, sleep: realSleep, random: systemRandom, approvalNumbers: randomApprovalNumbers });
const hashOf = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('hex');

async function pay(terminal: StoredTerminal, raw: unknown): Promise<Answer> {
  const parsed = parse(paymentRequest, raw);
  if (!parsed.ok) return parsed.answer;
  const request = parsed.value as PaymentRequest;
  const answer = answerOf(await takePayment(deps(), terminal, request, hashOf(request)), 201);
  const body = answer.body as { approvalNumber?: string; error?: { code?: string } };
  logger.info('payment', { serial: terminal.serial, transactionId: request.transactionId, card: maskCardNumber(request.cardNumber), status: answer.status, ...(answer.status === 201 ? { approvalNumber: body.approvalNumber } : { code: body.error?.code }) });
  return answer;
}

export { routes };
export const handler = terminalHandler(routes, (serial) => payments().terminal(serial), {
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
    const card = event.pathParameters?.cardNumber ?? '';
    const serviceCode = event.queryStringParameters?.serviceCode ?? '';
    const fields = [...(/^\d{16}$/.test(card) ? [] : [{ path: 'cardNumber', message: 'must be 16 digits' }]), ...(/^\d{6}$/.test(serviceCode) ? [] : [{ path: 'query.serviceCode', message: 'must be the 6-digit service code' }])];
    return { answer: fields.length ? invalid(fields) : answerOf(await balanceOf(deps(), terminal, card, serviceCode), 200) };
  },
});
