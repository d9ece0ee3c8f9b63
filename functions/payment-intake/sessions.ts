/**
 * The terminal API's time-session routes (api.md "TIME programs", domain §4.6): the start tag
 * opens a session (TIME-01); the end tag makes its payment (TIME-02) or closes it without one.
 */
import { endSession, type SessionDeps, startSession } from '../../domain/payments/sessions';
import { maskCardNumber } from '../../domain/registry/identity';
import { sessionEndRequest, sessionStartRequest } from '../../events/payments';
import { logger } from '../shared/observability';
import { answerOf } from './answers';
import { parse, type TerminalRoute } from './terminal';

const codeOf = (body: unknown) => (body as { error?: { code?: string } }).error?.code;

export function sessionRoutes(deps: () => SessionDeps, hashOf: (value: unknown) => string): { startSession: TerminalRoute; endSession: TerminalRoute } {
  return {
  // §4.6 TIME-01: the start tag opens a session; the end tag makes its payment (TIME-02).
  startSession: async ({ terminal, body }) => {
    const parsed = parse(sessionStartRequest, body);
    if (!parsed.ok) return { answer: parsed.answer };
    const answer = answerOf(await startSession(deps(), terminal, parsed.value, hashOf({ route: 'start', ...parsed.value })), 201);
    logger.info('session start', { serial: terminal.serial, transactionId: parsed.value.transactionId, card: maskCardNumber(parsed.value.cardNumber), status: answer.status, ...(answer.status === 201 ? { sessionId: (answer.body as { sessionId?: string }).sessionId } : { code: codeOf(answer.body) }) });
    return { answer, kind: 'SessionStart' };
  },
  endSession: async ({ terminal, body, event }) => {
    const parsed = parse(sessionEndRequest, { sessionId: event.pathParameters?.sessionId ?? '', body });
    if (!parsed.ok) return { answer: parsed.answer };
    const { sessionId, body: request } = parsed.value;
    const outcome = await endSession(deps(), terminal, sessionId, request, hashOf({ route: 'end', sessionId, ...request }));
    // A payment made answers 201; an end tag that made none (under one unit, nothing left) 200.
    const answer = answerOf(outcome, outcome.ok && 'approvalNumber' in outcome.receipt ? 201 : 200);
    logger.info('session end', { serial: terminal.serial, sessionId, transactionId: request.transactionId, status: answer.status, ...(answer.status >= 400 ? { code: codeOf(answer.body) } : {}) });
    return { answer, kind: 'SessionEnd' };
  },
  };
}
