/** The HTTP routes `payment-intake` serves. */
import { type RouteTable, signed } from '../shared/routes';

export const routes = {
  pay: signed('POST', '/v1/terminal/payments'),
  payBatch: signed('POST', '/v1/terminal/payments/batch'),
  cancel: signed('POST', '/v1/terminal/payments/{approvalNumber}/cancel'),
  balance: signed('GET', '/v1/terminal/cards/{cardNumber}/balance'),
  startSession: signed('POST', '/v1/terminal/sessions/start'),
  endSession: signed('POST', '/v1/terminal/sessions/{sessionId}/end'),
} as const satisfies RouteTable;
