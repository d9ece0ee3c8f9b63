/**
 * Regression (money always right, point 8), EXC-03: a claim id was random with no duplicate check,
 * so the same claim could be filed, approved and paid twice; contract status and termination were
 * ignored, and nothing stopped a claim for a session that had a payment. One claim per recipient ×
 * service type × service date and time, none where a payment exists, idempotent filing, the
 * contract checks, and withdrawal of a RECEIVED claim.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type ClaimDeps, type ClaimRequest, decideClaim, fileClaim, withdrawClaim } from '../../domain/payments/claims';
import { importRegistry } from '../../domain/registry/import';
import { importEnvelope, parseImportRecords } from '../../events/import';
import { InMemoryClaims } from '../fakes/claim-store';
import { InMemoryRegistry } from '../fakes/registry-store';
import { InMemorySettlement } from '../fakes/settlement-store';
import { importDocument } from '../support/fixtures';
import { koreanHolidays } from '../../functions/shared/holidays';

const request: ClaimRequest = { serviceCode: '110101', reason: 'CARD_LOST', reasonOccurredOn: '2026-02-20', recipientId: 'R0001', workerId: 'W0001', serviceDate: '2026-02-20', serviceStartAt: '2026-02-20T10:00:00+09:00', serviceEndAt: '2026-02-20T11:00:00+09:00' };
let settlement: InMemorySettlement;
let claims: InMemoryClaims;
let deps: ClaimDeps;
let ids = 0;
const paid = new Set<string>();

async function world(doc = importDocument(1)) {
  const registry = new InMemoryRegistry();
  const { parsed, issues } = parseImportRecords(importEnvelope.parse(doc));
  expect((await importRegistry(parsed, registry, '2026-02-01', issues)).rejected).toEqual([]);
  settlement = new InMemorySettlement();
  claims = new InMemoryClaims(registry, settlement, (r, s, m) => [...paid].filter((d) => d.startsWith(`${r}|${s}|${m}`)).map((d) => d.split('|')[3]!));
  deps = { store: claims, clock: { now: () => new Date('2026-03-16T10:00:00+09:00') }, payableDay: () => '2026-03-10', newClaimId: () => `CL${++ids}`, holidays: koreanHolidays };
}
beforeEach(() => paid.clear());

describe('EXC-03 a claim is paid once', () => {
  it('EXC-03 the same claim filed twice is one claim, approved and paid once; another claim for the session is refused', async () => {
    await world();
    const first = await fileClaim(deps, 'P0001', 'u', request, false);
    const again = await fileClaim(deps, 'P0001', 'u', request, false);
    expect(first).toMatchObject({ ok: true, claim: { state: 'RECEIVED' } });
    expect(again).toMatchObject({ ok: true, replayed: true, claim: { claimId: first.ok && !first.preview ? first.claim.claimId : '' } });
    expect(claims.claims.size).toBe(1);
    expect(await fileClaim(deps, 'P0001', 'u', { ...request, serviceEndAt: '2026-02-20T11:30:00+09:00' }, false)).toMatchObject({ ok: false, refusal: { code: 'DUPLICATE_CLAIM', rule: 'EXC-03' } });
    const id = first.ok && !first.preview ? first.claim.claimId : '';
    expect(await decideClaim(deps, id, { approve: true, by: 'agency' })).toMatchObject({ ok: true });
    expect(await decideClaim(deps, id, { approve: true, by: 'agency' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE' } });
    expect(await settlement.bucket({ providerId: 'P0001', programCode: 'COMMUNITY', municipalityCode: '44130', day: '2026-03-10' })).toMatchObject({ claims: 36_000 });
  });

  it('EXC-03 no claim for a session whose day has a payment', async () => {
    await world();
    paid.add('R0001|110101|2026-02|2026-02-20');
    const refused = await fileClaim(deps, 'P0001', 'u', request, false);
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'DUPLICATE_CLAIM', rule: 'EXC-03' } });
  });

  it('EXC-03 a contract suspended, or terminated by the service date, takes no claim', async () => {
    const suspended = importDocument(1);
    Object.assign(suspended.contracts[0]!, { status: 'SUSPENDED' });
    await world(suspended);
    expect(await fileClaim(deps, 'P0001', 'u', request, false)).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT', rule: 'EXC-03' } });
    const terminated = importDocument(1);
    Object.assign(terminated.contracts[0]!, { status: 'TERMINATED', terminatedOn: '2026-02-15' });
    await world(terminated);
    expect(await fileClaim(deps, 'P0001', 'u', request, false)).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT', rule: 'EXC-03' } });
  });

  it('EXC-03 a received claim is withdrawn by its provider only, and the session may then be claimed again', async () => {
    await world();
    const filed = await fileClaim(deps, 'P0001', 'u', request, false);
    const id = filed.ok && !filed.preview ? filed.claim.claimId : '';
    expect(await withdrawClaim(deps, 'P0002', 'x', id)).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    expect(await withdrawClaim(deps, 'P0001', 'u', id)).toMatchObject({ ok: true, claim: { state: 'WITHDRAWN' } });
    expect(await withdrawClaim(deps, 'P0001', 'u', id)).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE' } });
    expect(await fileClaim(deps, 'P0001', 'u', request, false)).toMatchObject({ ok: true, claim: { state: 'RECEIVED' } });
  });
});
