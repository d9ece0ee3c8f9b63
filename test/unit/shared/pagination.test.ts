/**
 * The cursor codec (issue 15 §1): a `nextToken` is authenticated and bound to the scope it was
 * issued in (a route and its caller); anything else is a 400 INVALID_CURSOR before any query.
 */
import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeToken, encodeCursor, inCursorScope } from '../../../functions/shared/dynamo/pagination';

const ALICE = 'GET /v1/payments|provider|u-1|P0001|';
const BOB = 'GET /v1/payments|provider|u-2|P0002|';
const isKey = (v: unknown): v is { PK: string } => typeof v === 'object' && v !== null && typeof (v as { PK?: unknown }).PK === 'string';
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; kind?: string };
  }
  throw new Error('not refused');
};

describe('list cursors', () => {
  it('a token decodes in the scope it was issued in', () => {
    const token = inCursorScope(ALICE, () => encodeCursor({ PK: 'PROV#P0001', SK: 'PAY#1' }));
    expect(inCursorScope(ALICE, () => decodeCursor(token, isKey))).toEqual({ PK: 'PROV#P0001', SK: 'PAY#1' });
    expect(inCursorScope(ALICE, () => decodeToken(token, 'PROV#P0001'))).toEqual({ PK: 'PROV#P0001', SK: 'PAY#1' });
  });

  it('another caller, another route, an edited payload, a cut MAC, a bare payload or a long token is INVALID_CURSOR', () => {
    const token = inCursorScope(ALICE, () => encodeCursor({ PK: 'PROV#P0001', SK: 'PAY#1' }));
    const [payload, mac] = token.split('.') as [string, string];
    const edited = Buffer.from(JSON.stringify({ PK: 'PROV#P0002', SK: 'PAY#1' })).toString('base64url');
    const cases: [string, string][] = [
      [BOB, token],
      ['GET /v1/holds|provider|u-1|P0001|', token],
      [ALICE, `${edited}.${mac}`],
      [ALICE, `${payload}.${mac.slice(0, 10)}`],
      [ALICE, payload],
      [ALICE, `${payload}.${mac}.x`],
      [ALICE, 'A'.repeat(5000)],
      [ALICE, ''],
    ];
    for (const [scope, t] of cases) expect(refusal(() => inCursorScope(scope, () => decodeCursor(t, isKey))), `${scope} ${t.slice(0, 30)}`).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('an authentic token of another partition is still refused by the list that checks its partition', () => {
    const token = inCursorScope(ALICE, () => encodeCursor({ PK: 'PROV#P0002', SK: 'PAY#1' }));
    expect(refusal(() => inCursorScope(ALICE, () => decodeToken(token, 'PROV#P0001')))).toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
