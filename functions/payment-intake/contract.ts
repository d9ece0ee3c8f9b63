/**
 * The terminal routes' contracts for the API document (infra/openapi.ts): the schemas the routes
 * parse with (events/payments.ts) and what they answer (events/answers.ts, api.md "Terminal API").
 */
import * as z from 'zod';
import { approvalReceipt, balanceReceipt, batchAnswer, cancelReceipt, sessionClosed, sessionPaid, sessionStarted } from '../../events/answers';
import { balanceInquiry, cancelRequest, paymentBatch, paymentRequest, sessionEndRequest, sessionStartRequest } from '../../events/payments';
import type { RouteContract } from '../shared/contract';
import type { routes } from './routes';

export const contracts = {
  pay: { body: paymentRequest, answers: [{ status: 201, description: 'approved (a retry with the same transactionId and body gets the same answer, PAY-09)', schema: approvalReceipt }] },
  payBatch: { body: paymentBatch, answers: [{ status: 207, description: 'each item decided as if sent alone', schema: batchAnswer }] },
  cancel: { path: z.object({ approvalNumber: z.string().meta({ description: 'the 14-digit approval number (any other: 404)' }) }), body: cancelRequest, answers: [{ status: 200, description: 'cancelled (PAY-10)', schema: cancelReceipt }] },
  balance: { path: balanceInquiry.pick({ cardNumber: true }), query: balanceInquiry.shape.query, answers: [{ status: 200, description: 'what the card has left (PAY-12)', schema: balanceReceipt }] },
  startSession: { body: sessionStartRequest, answers: [{ status: 201, description: 'the session is open (TIME-01)', schema: sessionStarted }] },
  endSession: {
    path: sessionEndRequest.pick({ sessionId: true }),
    body: sessionEndRequest.shape.body,
    answers: [
      { status: 201, description: 'the payment of the session (TIME-02)', schema: sessionPaid },
      { status: 200, description: 'closed without a payment: under one unit, or nothing left', schema: sessionClosed },
    ],
  },
} satisfies Record<keyof typeof routes, RouteContract>;
