/** A terminal as vendors build it: signs each request with its secret (api.md). */
import { signRequest } from '../../functions/shared/terminal-auth';
import { checkAnswer } from './contract';

export interface TerminalIdentity {
  serial: string;
  secret: string;
  phone: string;
  businessNumber: string;
}

export function signedHeaders(t: TerminalIdentity, method: string, pathWithQuery: string, body: string, at: Date = new Date()): Record<string, string> {
  const timestamp = at.toISOString();
  return {
    'content-type': 'application/json',
    'x-terminal-serial': t.serial,
    'x-timestamp': timestamp,
    'x-signature': signRequest(t.secret, method, pathWithQuery, timestamp, body),
  };
}

export function terminalFetch(baseUrl: string, t: TerminalIdentity, clockNow: () => Date = () => new Date()) {
  return async (method: 'GET' | 'POST', pathWithQuery: string, body?: unknown) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const res = await fetch(`${baseUrl}${pathWithQuery}`, { method, headers: signedHeaders(t, method, pathWithQuery, text, clockNow()), ...(body === undefined ? {} : { body: text }) });
    const raw = await res.text();
    const answer = { status: res.status, body: raw ? JSON.parse(raw) : null, headers: res.headers };
    await checkAnswer(method, pathWithQuery, answer.status, answer.body);
    return answer;
  };
}

let sequence = 0;

/** A normal payment of one session (36,000 won on the fixtures' grade 1) for today's service. */
export function paymentBody(t: TerminalIdentity, over: Record<string, unknown> = {}, today = '2026-03-10') {
  sequence++;
  return {
    transactionId: `T-${process.pid}-${Date.now()}-${sequence}`,
    businessNumber: t.businessNumber,
    terminalPhone: t.phone,
    serviceCode: '110101',
    workerPaymentId: '20000001',
    cardNumber: '9410000000000001',
    amount: 36_000,
    kind: 'NORMAL',
    serviceDate: today,
    serviceStartAt: `${today}T14:00:00+09:00`,
    reason: null,
    ...over,
  };
}
