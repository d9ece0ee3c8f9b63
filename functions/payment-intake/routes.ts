/** The HTTP routes `payment-intake` serves. */
import { type RouteTable, signed } from '../shared/routes';

export const routes = {
  pay: signed('POST', '/v1/terminal/payments', 'Take a voucher payment (online approval, PAY-01…06)'),
  payBatch: signed('POST', '/v1/terminal/payments/batch', 'Upload payments taken offline (PAY-07)'),
  cancel: signed('POST', '/v1/terminal/payments/{approvalNumber}/cancel', 'Cancel a payment the same day'),
  balance: signed('GET', '/v1/terminal/cards/{cardNumber}/balance', "A card's remaining voucher for a service"),
  startSession: signed('POST', '/v1/terminal/sessions/start', 'Tag the start of a service (hourly programs)'),
  endSession: signed('POST', '/v1/terminal/sessions/{sessionId}/end', 'Tag the end of a service: the payment is approved'),
} as const satisfies RouteTable;
