/** Terminal request signing (api.md): X-Timestamp is an ISO-8601 instant with offset (issue 15 §8). */
import { describe, expect, it } from 'vitest';
import { signRequest, verifyTerminalRequest } from '../../../functions/shared/terminal-auth';
import type { HttpEvent } from '../../../functions/shared/http';

const SECRET = 'terminal-secret-000000001';
const now = new Date('2026-03-10T06:01:12Z');
const event = (timestamp: string): HttpEvent => {
  const path = '/v1/terminal/cards/9410000000000001/balance';
  return {
    rawPath: path,
    rawQueryString: 'serviceCode=110101',
    headers: { 'x-terminal-serial': 'VT11-000001', 'x-timestamp': timestamp, 'x-signature': signRequest(SECRET, 'GET', `${path}?serviceCode=110101`, timestamp, '') },
    requestContext: { http: { method: 'GET' } },
    isBase64Encoded: false,
  } as unknown as HttpEvent;
};
const verify = (timestamp: string) => verifyTerminalRequest(event(timestamp), now, async () => SECRET);

describe('X-Timestamp (issue 15 §8)', () => {
  it.each(['2026-03-10T15:01:12+09:00', '2026-03-10T06:01:12Z', '2026-03-10T06:01:12.345Z', '2026-03-10T15:00:00+09:00'])('%s, an instant with offset, is taken', async (timestamp) => {
    expect(await verify(timestamp)).toBe('VT11-000001');
  });

  it.each([
    '2026-03-10 15:01:12',
    '2026-03-10T15:01:12',
    'Tue, 10 Mar 2026 06:01:12 GMT',
    '03/10/2026 15:01:12',
    '1773122472000',
    '2026-03-10',
    '2026-03-10T15:01:12+0900',
  ])('%s, signed correctly but not an instant with offset, is 401 INVALID_TIMESTAMP', async (timestamp) => {
    await expect(verify(timestamp)).rejects.toMatchObject({ kind: 'UNAUTHENTICATED', code: 'INVALID_TIMESTAMP' });
  });

  it('an instant more than 5 minutes away is TIMESTAMP_OUT_OF_WINDOW', async () => {
    await expect(verify('2026-03-10T15:07:00+09:00')).rejects.toMatchObject({ code: 'TIMESTAMP_OUT_OF_WINDOW' });
  });
});
