/**
 * Local identity: the stack mints and verifies people's JWTs with a key of its own, standing in
 * for API Gateway's JWT authorizer (which verifies the agency's identity provider in AWS).
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import * as z from 'zod';

export const LOCAL_ISSUER = 'urn:voucher-platform:local';
export const LOCAL_AUDIENCE = 'voucher-api';

export const tokenRequest = z
  .object({
    role: z.enum(['provider', 'municipality', 'agency', 'ops']),
    providerId: z.string().min(1).max(40).optional(),
    municipalityCode: z.string().regex(/^\d{5}$/).optional(),
    sub: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((t) => t.role !== 'provider' || t.providerId, { message: 'a provider token needs providerId', path: ['providerId'] })
  .refine((t) => t.role !== 'municipality' || t.municipalityCode, { message: 'a municipality token needs municipalityCode', path: ['municipalityCode'] });

export type TokenRequest = z.infer<typeof tokenRequest>;

export class LocalIdentity {
  /** `key`: kept in the data directory, so that tokens minted before a restart verify after it. */
  constructor(private readonly key: Uint8Array = randomBytes(32)) {}

  async mint(request: TokenRequest): Promise<string> {
    const { sub, ...claims } = request;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub ?? `local-${request.role}${request.providerId ? `-${request.providerId}` : ''}${request.municipalityCode ? `-${request.municipalityCode}` : ''}`)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(this.key);
  }

  /** The claims as API Gateway passes them to Lambda (`requestContext.authorizer.jwt.claims`), or null. */
  async verify(authorization: string | undefined): Promise<Record<string, string> | null> {
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    if (!match) return null;
    try {
      const { payload } = await jwtVerify(match[1]!, this.key, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
      return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    } catch {
      return null;
    }
  }
}
