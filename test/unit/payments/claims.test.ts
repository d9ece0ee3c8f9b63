/** EXC-01/02: what an exception claim may be, one refusal each. */
import { describe, expect, it } from 'vitest';
import { assessClaim, type ClaimContext, type ClaimRequest } from '../../../domain/payments/claims';
import { koreanHolidays } from '../../../functions/shared/holidays';
import { ACTIVITY_TERMS, contract, serviceTypes } from '../../support/fixtures';

const request: ClaimRequest = { serviceCode: '110101', reason: 'CARD_LOST', reasonOccurredOn: '2026-02-20', recipientId: 'R0001', workerId: 'W0001', serviceDate: '2026-02-20', serviceStartAt: '2026-02-20T10:00:00+09:00', serviceEndAt: '2026-02-20T11:00:00+09:00' };
const ctx: ClaimContext = { today: '2026-03-16', providerId: 'P0001', serviceType: serviceTypes.get('110101'), programKind: 'SESSION', contracts: [contract()], worker: { providerId: 'P0001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }, recipient: { municipalityCode: '44130' }, paidDays: [] };

describe('EXC-01/02 claim assessment', () => {
  it.each([
    ['EXC-02 filed outside the month after the reason', { ...request }, { ...ctx, today: '2026-04-01' }, 'OUTSIDE_CLAIM_WINDOW', 'EXC-02'],
    ['EXC-01 a service still to come', { ...request, serviceDate: '2026-03-20' }, ctx, 'SERVICE_IN_FUTURE', 'EXC-01'],
    ['EXC-01 a service that ends before it starts', { ...request, serviceEndAt: '2026-02-20T09:00:00+09:00' }, ctx, 'INVALID_SERVICE_TIME', 'EXC-01'],
    ['EXC-01 a service not in the catalog', request, { ...ctx, serviceType: undefined }, 'UNKNOWN_SERVICE', 'EXC-01'],
    ['TIME-02 an hourly program\'s service shorter than one unit', { ...request, serviceEndAt: '2026-02-20T10:14:00+09:00' }, { ...ctx, programKind: 'TIME' as const, timeTerms: ACTIVITY_TERMS, holidays: koreanHolidays }, 'BELOW_ONE_UNIT', 'TIME-02'],
    ['EXC-01 an unknown recipient (answered as another provider\'s: no existence oracle)', request, { ...ctx, recipient: null }, 'NO_CONTRACT', 'EXC-01'],
    ['EXC-01 no contract on the service date', { ...request, serviceDate: '2025-12-20' }, { ...ctx, today: '2026-03-16' }, 'NO_CONTRACT', 'EXC-01'],
    ['EXC-01 a worker of another provider', request, { ...ctx, worker: { ...ctx.worker!, providerId: 'P0002' } }, 'WORKER_NOT_ELIGIBLE', 'EXC-01'],
    ['EXC-01 no worker', request, { ...ctx, worker: null }, 'WORKER_NOT_ELIGIBLE', 'EXC-01'],
    ['EXC-01 a grade no longer in the catalog', request, { ...ctx, contracts: [contract({ grade: 'Z', initialGrade: 'Z' })] }, 'UNKNOWN_GRADE', 'EXC-01'],
  ] as const)('%s', (_name, req, context, code, rule) => {
    expect(assessClaim(req, context as ClaimContext)).toMatchObject({ ok: false, refusal: { code, rule } });
  });

  it('no existence oracle (issue 15 §3): a claim for another provider\'s recipient and for an unknown recipient get the same answer', () => {
    const unknown = assessClaim(request, { ...ctx, recipient: null, contracts: [] });
    const another = assessClaim(request, { ...ctx, contracts: [contract({ providerId: 'P0002' })] });
    expect(unknown).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT' } });
    expect(another).toEqual(unknown);
  });

  it('EXC-01 the amount is floor(P / N) of the grade in force in the service month', () => {
    expect(assessClaim(request, { ...ctx, contracts: [contract({ grade: '2', initialGrade: '2' })] })).toMatchObject({ ok: true, amount: 20_000 });
  });
});

describe('EXC-01/02 the claim use cases', async () => {
  const { decideClaim, fileClaim } = await import('../../../domain/payments/claims');
  const { koreanHolidays } = await import('../../../functions/shared/holidays');
  const { claimPayableDay } = await import('../../../domain/settlement/payouts');
  type Port = Parameters<typeof fileClaim>[0]['store'];
  const world = () => {
    const saved = new Map<string, import('../../../domain/payments/claims').Claim>();
    const store: Port = {
      serviceType: async (code) => ({ serviceType: serviceTypes.get(code), programKind: serviceTypes.has(code) ? 'SESSION' : undefined }),
      context: async () => ({ contracts: ctx.contracts, worker: ctx.worker, recipient: ctx.recipient, paidDays: [] }),
      save: async (c) => (saved.set(c.claimId, structuredClone(c)), { kind: 'saved' as const }),
      withdraw: async () => false,
      claim: async (id) => structuredClone(saved.get(id) ?? null),
      decide: async (c, d) => {
        const s = saved.get(c.claimId);
        if (!s || s.state !== 'RECEIVED') return false;
        Object.assign(s, d);
        return true;
      },
      ofProvider: async () => ({ items: [...saved.values()] }),
    };
    return { saved, deps: { store, clock: { now: () => new Date('2026-03-16T10:00:00+09:00') }, payableDay: (today: string) => claimPayableDay(today, koreanHolidays), newClaimId: (today: string) => `CL${today}`, holidays: koreanHolidays } };
  };

  it('EXC-01 a preview answers the amount and saves nothing; a filing saves the claim RECEIVED', async () => {
    const { saved, deps } = world();
    expect(await fileClaim(deps, 'P0001', 'u-P0001', request, true)).toEqual({ ok: true, preview: true, amount: 36_000, programCode: 'COMMUNITY' });
    expect(saved.size).toBe(0);
    const filed = await fileClaim(deps, 'P0001', 'u-P0001', request, false);
    expect(filed).toMatchObject({ ok: true, preview: false, claim: { claimId: 'CL2026-03-16', state: 'RECEIVED', amount: 36_000, municipalityCode: '44130', filedBy: 'u-P0001' } });
    expect(await fileClaim(deps, 'P0001', 'u', { ...request, serviceCode: '999999' }, false)).toMatchObject({ ok: false, refusal: { code: 'UNKNOWN_SERVICE' } });
  });

  it('EXC-03 (simulation seed 5, contracts ending): a claim whose write was resent after a lost answer finds itself — answered as filed (201), not as a replay', async () => {
    const { saved, deps } = world();
    // The first write landed; the resent one meets the session taken — by this very claim.
    deps.store.save = async (c) => (saved.has(c.claimId) ? { kind: 'taken' as const, claim: structuredClone(saved.get(c.claimId)!) } : (saved.set(c.claimId, structuredClone(c)), { kind: 'taken' as const, claim: structuredClone(c) }));
    const filed = await fileClaim(deps, 'P0001', 'u-P0001', request, false);
    expect(filed).toEqual({ ok: true, preview: false, claim: expect.objectContaining({ claimId: 'CL2026-03-16', state: 'RECEIVED' }) });
    expect((filed as { replayed?: true }).replayed).toBeUndefined();
  });

  it('EXC-02 an approval is payable on the last day of the latest cycle run; a claim is decided once; an unknown one is NOT_FOUND', async () => {
    const { deps } = world();
    await fileClaim(deps, 'P0001', 'u', request, false);
    expect(await decideClaim(deps, 'CL2026-03-16', { approve: true, by: 'u-agency' })).toMatchObject({ ok: true, claim: { state: 'APPROVED', payableOn: '2026-03-10', decidedBy: 'u-agency' } });
    expect(await decideClaim(deps, 'CL2026-03-16', { approve: false, by: 'u-agency', reason: 'x' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE', rule: 'EXC-02' } });
    expect(await decideClaim(deps, 'CL-none', { approve: true, by: 'u-agency' })).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
  });
});

describe('§4.6 a time program\'s claim: the minutes at the rate (TIME-02)', () => {
  const timed: ClaimContext = { ...ctx, programKind: 'TIME', timeTerms: ACTIVITY_TERMS, holidays: koreanHolidays };
  it('Friday 2026-02-20 10:00–11:10 bills 4 units of 15 minutes: 4 × 4,155 = 16,620 won for 60 minutes', () => {
    expect(assessClaim({ ...request, serviceEndAt: '2026-02-20T11:10:00+09:00' }, timed)).toMatchObject({ ok: true, amount: 16_620, minutes: 60 });
  });
  it('Sunday 2026-02-22 10:00–11:00 is a holiday: 4 × 6,232.5 = 24,930; a paid day of the month does not refuse it (its times tell services apart)', () => {
    const sunday = { ...request, reasonOccurredOn: '2026-02-22', serviceDate: '2026-02-22', serviceStartAt: '2026-02-22T10:00:00+09:00', serviceEndAt: '2026-02-22T11:00:00+09:00' };
    expect(assessClaim(sunday, { ...timed, paidDays: ['2026-02-22'] })).toMatchObject({ ok: true, amount: 24_930, minutes: 60 });
  });
});

