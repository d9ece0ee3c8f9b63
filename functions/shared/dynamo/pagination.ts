import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Page } from '../../../domain/shared/ports';
import { ApiError } from '../errors';
import { deriveKey, secretString } from '../secrets';

/**
 * The one cursor codec. A `nextToken` is the base64url of a JSON cursor (a last evaluated key, or
 * a list's own position) and an HMAC over it and the scope it was issued in (the route and the
 * caller): opaque to clients, and a token edited, made up, or issued to another caller or for
 * another list is a 400 `INVALID_CURSOR` that reaches no query.
 */
const scopes = new AsyncLocalStorage<string>();
let key: Buffer | undefined;

const derive = (seed: string) => deriveKey(seed, 'list-cursor');

/**
 * The cursor key of this container: `CURSOR_KEY` locally; in AWS the Secrets Manager secret of
 * `CURSOR_SECRET_ARN`, read once (every people's route awaits it before it runs).
 */
export async function loadCursorKey(): Promise<void> {
  if (key || process.env.CURSOR_KEY) return;
  const arn = process.env.CURSOR_SECRET_ARN;
  if (!arn) throw new Error('neither CURSOR_KEY nor CURSOR_SECRET_ARN is set');
  key = derive(await secretString(arn, process.env.AWS_REGION));
}

function cursorKey(): Buffer {
  if (!key && process.env.CURSOR_KEY) key = derive(process.env.CURSOR_KEY);
  if (!key) throw new Error('the cursor key is not loaded (loadCursorKey)');
  return key;
}

/** Runs `fn` with tokens issued and accepted for `scope` only (a route and its caller). */
export function inCursorScope<T>(scope: string, fn: () => T): T {
  return scopes.run(scope, fn);
}

const macOf = (payload: string) => createHmac('sha256', cursorKey()).update(`${scopes.getStore() ?? ''}\n${payload}`).digest().subarray(0, 18);

export function encodeCursor(cursor: unknown): string {
  const payload = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return `${payload}.${macOf(payload).toString('base64url')}`;
}

const invalidCursor = () =>
  new ApiError('VALIDATION', 'INVALID_CURSOR', 'nextToken is not a token this list gave you', { fields: [{ path: 'query.nextToken', message: 'not a token of this query and caller' }] });

/** The cursor a token carries if it is authentic and `valid` accepts it; any other token is a 400 that changes nothing. */
export function decodeCursor<T>(token: string, valid: (cursor: unknown) => cursor is T): T {
  if (token.length > 4096) throw invalidCursor();
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length) throw invalidCursor();
  const given = Buffer.from(mac, 'base64url');
  const expected = macOf(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (valid(cursor)) return cursor;
  throw invalidCursor();
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The token of a query's last evaluated key. */
export function encodeToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? encodeCursor(key) : undefined;
}

/** The last evaluated key a token carries, if it belongs to the partition `expectedPk` (of the table or an index). */
export function decodeToken(token: string | undefined, expectedPk: string): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  return decodeCursor(token, (key): key is Record<string, unknown> => isObject(key) && (key.PK === expectedPk || key.GSI1PK === expectedPk || key.GSI2PK === expectedPk));
}

/** A page of items and, unless it is the last, the token of the next one. */
export function pageOf<T>(items: T[], lastKey: Record<string, unknown> | undefined): Page<T> {
  const nextToken = encodeToken(lastKey);
  return nextToken ? { items, nextToken } : { items };
}
