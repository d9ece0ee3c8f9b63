import type { Page } from '../../../domain/shared/ports';
import { ApiError } from '../errors';

/**
 * The one cursor codec: a `nextToken` is the base64url of a JSON cursor (a last evaluated key, or a
 * list's own position), opaque to clients and checked on the way in.
 */
export function encodeCursor(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The cursor a token carries if `valid` accepts it; any other token is a 400 that changes nothing. */
export function decodeCursor<T>(token: string, valid: (cursor: unknown) => cursor is T): T {
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  if (valid(cursor)) return cursor;
  throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'nextToken is not valid for this query', { fields: [{ path: 'query.nextToken', message: 'not a token of this query' }] });
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
