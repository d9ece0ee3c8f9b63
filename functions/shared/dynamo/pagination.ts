import { ApiError } from '../errors';

/** `nextToken` is the base64url of the last evaluated key: opaque to clients, checked on the way in. */
export function encodeToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeToken(token: string | undefined, expectedPk: string): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key && typeof key === 'object' && (key.PK === expectedPk || key.GSI1PK === expectedPk || key.GSI2PK === expectedPk)) return key;
  } catch {
    // fall through to the error below
  }
  throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'nextToken is not valid for this query', { fields: ['nextToken'] });
}
