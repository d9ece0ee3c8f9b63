/**
 * Terminal request signing (api.md): `X-Signature = hex(HMAC-SHA256(secret,
 * METHOD\nPATH\nX-Timestamp\nhex(SHA256(body))))`, PATH with its query string as sent, and a
 * timestamp (an ISO-8601 instant with offset) within 5 minutes of server time. Unknown terminal,
 * bad signature, a timestamp of another form or stale: 401.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isoInstant } from '../../events/common';
import { ApiError } from './errors';
import type { HttpEvent } from './http';

export const TIMESTAMP_WINDOW_MS = 5 * 60_000;

export function signingString(method: string, pathWithQuery: string, timestamp: string, body: string): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${createHash('sha256').update(body, 'utf8').digest('hex')}`;
}

export function signRequest(secret: string, method: string, pathWithQuery: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(signingString(method, pathWithQuery, timestamp, body)).digest('hex');
}

const unauthenticated = (message: string, code = 'UNAUTHENTICATED') => new ApiError('UNAUTHENTICATED', code, message);

export function rawBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Verifies the signature of a terminal request and returns the terminal's serial. */
export async function verifyTerminalRequest(event: HttpEvent, now: Date, secretOf: (serial: string) => Promise<string | null>): Promise<string> {
  const headers = event.headers ?? {};
  const serial = headers['x-terminal-serial'];
  const timestamp = headers['x-timestamp'];
  const signature = headers['x-signature'];
  if (!serial || !timestamp || !signature) throw unauthenticated('X-Terminal-Serial, X-Timestamp and X-Signature are required');
  // api.md: an ISO-8601 instant with its offset (`Z` or `+09:00`); Date.parse would take far more.
  if (!isoInstant.safeParse(timestamp).success) throw unauthenticated('X-Timestamp must be an ISO-8601 instant with an offset, e.g. 2026-03-10T15:01:12+09:00', 'INVALID_TIMESTAMP');
  const at = Date.parse(timestamp);
  if (Math.abs(now.getTime() - at) > TIMESTAMP_WINDOW_MS)
    throw unauthenticated('X-Timestamp is more than 5 minutes from server time', 'TIMESTAMP_OUT_OF_WINDOW');
  const secret = await secretOf(serial);
  const path = event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
  const expected = secret === null ? null : Buffer.from(signRequest(secret, event.requestContext.http.method, path, timestamp, rawBody(event)), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : null;
  if (!expected || !given || !timingSafeEqual(expected, given)) throw unauthenticated('the request signature is not valid', 'BAD_SIGNATURE');
  return serial;
}
