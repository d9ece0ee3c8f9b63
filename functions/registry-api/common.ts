/** What every registry route shares: the use cases' dependencies, the actor, the answer. */
import { createHash, randomBytes } from 'node:crypto';
import type { Changed, RegistryActor, RegistryDeps } from '../../domain/registry/changes';
import { randomHex, systemClock } from '../shared/clock';
import { stableJson } from '../shared/dynamo/batch';
import { ApiError, refusalError } from '../shared/errors';
import { type HttpEvent, json } from '../shared/http';
import { logger } from '../shared/observability';
import { peopleStore, registryChangeStore, voucherStore } from '../shared/stores';
import type { Principal } from '../shared/tenancy';
import { REGISTRY_STATUS } from './statuses';

export const deps = async (): Promise<RegistryDeps> => ({
  port: await registryChangeStore(),
  now: () => systemClock.now(),
  newSecret: () => randomBytes(24).toString('base64url'),
  newId: (prefix) => `${prefix}${randomHex(16)}`,
  hash: (body) => createHash('sha256').update(stableJson(body)).digest('base64url'),
  vouchers: voucherStore(),
  accessLog: peopleStore(),
});

export const actorOf = (p: Principal): RegistryActor => ({ sub: p.sub, role: p.role, providerId: p.providerId, municipalityCode: p.municipalityCode });

/** The change's answer, or its refusal with the rule it broke. A secret is never cached on the way. */
export function answer<A>(outcome: Changed<A>, what: string, ids: Record<string, string>, secret = false) {
  if (!outcome.ok) throw refusalError(outcome.refusal, REGISTRY_STATUS[outcome.refusal.code]);
  logger.info(what, ids);
  return json(outcome.status, outcome.body, secret ? { 'cache-control': 'no-store' } : {});
}

/** api.md: where no id is carried, an `Idempotency-Key` header makes a retry answer as the first time. */
export function idempotencyKey(event: HttpEvent): string | undefined {
  const key = event.headers?.['idempotency-key'];
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9_.:-]{1,80}$/.test(key))
    throw new ApiError('VALIDATION', 'VALIDATION_FAILED', 'the Idempotency-Key header is not valid', { fields: [{ path: 'headers.idempotency-key', message: 'must be 1-80 letters, digits or _.:-' }] });
  return key;
}

