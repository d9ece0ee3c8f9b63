/**
 * Who is calling and what they may see (domain.md §8). The one place that enforces tenancy:
 * handlers ask `scope` for the provider or municipality a request may touch, and never read
 * claims themselves.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from 'zod';
import type { Caller } from '../../domain/shared/ports';
import { ApiError, forbidden } from './errors';

export const roles = ['provider', 'municipality', 'agency', 'ops'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  sub: string;
  role: Role;
  providerId?: string;
  municipalityCode?: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(roles),
  providerId: z.string().min(1).optional(),
  municipalityCode: z.string().regex(/^\d{5}$/).optional(),
});

/**
 * The verified JWT claims (API Gateway's JWT authorizer in AWS, the local gateway locally).
 * Cognito spells custom claims `custom:role`; both spellings are read.
 */
export function principalOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Principal {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  if (!claims) throw new ApiError('UNAUTHENTICATED', 'UNAUTHENTICATED', 'a bearer token is required');
  const pick = (name: string) => claims[name] ?? claims[`custom:${name}`];
  const parsed = claimsSchema.safeParse({ sub: claims.sub, role: pick('role'), providerId: pick('providerId'), municipalityCode: pick('municipalityCode') });
  if (!parsed.success) throw new ApiError('UNAUTHENTICATED', 'UNAUTHENTICATED', 'the token does not carry a valid role');
  const p = parsed.data;
  if (p.role === 'provider' && !p.providerId) throw new ApiError('UNAUTHENTICATED', 'UNAUTHENTICATED', 'a provider token must name its providerId');
  if (p.role === 'municipality' && !p.municipalityCode)
    throw new ApiError('UNAUTHENTICATED', 'UNAUTHENTICATED', 'a municipality token must name its municipalityCode');
  return p;
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) throw forbidden(`role ${principal.role} may not do this`, { allowed });
}

/**
 * The provider a request acts on. A provider always acts on itself (asking for another is 403);
 * the agency names one; other roles have no provider scope.
 */
export function providerScope(principal: Principal, requested: string | undefined): string {
  switch (principal.role) {
    case 'provider':
      if (requested !== undefined && requested !== principal.providerId) throw forbidden('a provider sees only its own data');
      return principal.providerId!;
    case 'agency':
      if (requested === undefined)
        throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'providerId is required for the agency', { fields: [{ path: 'providerId', message: 'required' }] });
      return requested;
    default:
      throw forbidden(`role ${principal.role} has no provider scope`);
  }
}

/**
 * Who may read a person's record (REG-07, §8): the agency; a municipality for people of its
 * jurisdiction; a provider for its own workers and for recipients it holds a contract with.
 * `ops` never sees personal data.
 */
export function mayReadPerson(
  principal: Principal,
  person: { municipalityCode?: string | undefined; providerId?: string | undefined },
  providerHasContract: () => Promise<boolean>,
): Promise<boolean> | boolean {
  switch (principal.role) {
    case 'agency':
      return true;
    case 'municipality':
      return person.municipalityCode !== undefined && person.municipalityCode === principal.municipalityCode;
    case 'provider':
      return person.providerId !== undefined ? person.providerId === principal.providerId : providerHasContract();
    default:
      return false;
  }
}

/**
 * The provider a list narrows to: a provider's own (asking for another is 403); the agency and
 * the others narrow to the one they ask for, if any.
 */
export function providerFilter(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role !== 'provider') return requested;
  if (requested !== undefined && requested !== principal.providerId) throw forbidden('a provider sees only its own data');
  return principal.providerId!;
}

/** The municipality a request acts on or narrows to: a municipality's own (another is 403); others, the one they name. */
export function municipalityFilter(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role !== 'municipality') return requested;
  if (requested !== undefined && requested !== principal.municipalityCode) throw forbidden('a municipality acts only on its own accounts and people');
  return principal.municipalityCode!;
}

/** The jurisdiction a list narrows to: a municipality always its own, whatever it asks for; others the one they name. */
export function jurisdictionOf(principal: Principal, requested: string | undefined): string | undefined {
  return principal.role === 'municipality' ? principal.municipalityCode : requested;
}

/**
 * Whether a record of a provider and a municipality is the principal's to see (§8): the agency
 * all; a provider its own; a municipality those of its jurisdiction; `ops` none.
 */
export function mayRead(principal: Principal, record: { providerId: string; municipalityCode: string | null }): boolean {
  switch (principal.role) {
    case 'agency':
      return true;
    case 'provider':
      return record.providerId === principal.providerId;
    case 'municipality':
      return record.municipalityCode === principal.municipalityCode;
    default:
      return false;
  }
}

/** The principal as a use case's caller, seeing what `mayRead` lets it see. */
export function callerOf(principal: Principal): Caller {
  return { sub: principal.sub, role: principal.role, providerId: principal.providerId, sees: (record) => mayRead(principal, record) };
}

/** Whether a provider's record is the principal's to see (a provider sees only its own; 404 otherwise, not 403). */
export function sees(principal: Principal, record: { providerId: string }): boolean {
  return principal.role !== 'provider' || record.providerId === principal.providerId;
}
