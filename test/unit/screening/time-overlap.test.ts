import { describe, expect, it } from 'vitest';
import { DEFAULT_SCREENING_RULES, rapidSuccession, type ScreenedPayment, serviceTimesOverlap, successionWindow } from '../../../domain/screening/rules';

const payment = (over: Partial<ScreenedPayment>): ScreenedPayment => ({
  approvalNumber: '26031000000001', providerId: 'P0001', programCode: 'ACTIVITY', serviceCode: '310101', recipientId: 'R0001', workerId: 'W0001', municipalityCode: '44130',
  channel: 'TERMINAL', kind: 'NORMAL', amount: 33_240, serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', serviceEndAt: '2026-03-10T16:10:00+09:00',
  approvedAt: '2026-03-10T16:10:00+09:00', status: 'APPROVED', ...over,
});
const rule = DEFAULT_SCREENING_RULES['SCR-01'];

describe('SCR-01 by overlapping service times (TIME-04)', () => {
  it('SCR-01: only a normal payment has an approval window; a retroactive or makeup payment is looked up by its service times alone', () => {
    expect(successionWindow(payment({}), rule).approved).toEqual({ from: '2026-03-10T16:00:00+09:00', to: '2026-03-10T16:20:00+09:00' });
    for (const kind of ['RETRO', 'MAKEUP'] as const) {
      const w = successionWindow(payment({ kind }), rule);
      expect(w.approved).toBeNull();
      expect(w.serviceStart).not.toBeNull();
    }
  });

  it('a time payment lasts from its start to its end: 14:00–16:10 overlaps 15:00–15:30 and a session at 13:30 (60 minutes), not one from 16:10', () => {
    const day = payment({});
    expect(serviceTimesOverlap(day, payment({ serviceStartAt: '2026-03-10T15:00:00+09:00', serviceEndAt: '2026-03-10T15:30:00+09:00' }), rule.sessionMinutes)).toBe(true);
    expect(serviceTimesOverlap(day, payment({ serviceStartAt: '2026-03-10T13:30:00+09:00', serviceEndAt: null }), rule.sessionMinutes)).toBe(true);
    expect(serviceTimesOverlap(day, payment({ serviceStartAt: '2026-03-10T16:10:00+09:00', serviceEndAt: '2026-03-10T18:00:00+09:00' }), rule.sessionMinutes)).toBe(false);
    expect(serviceTimesOverlap(day, payment({ serviceStartAt: '2026-03-10T12:00:00+09:00', serviceEndAt: null }), rule.sessionMinutes)).toBe(false);
  });

  it('two session payments overlap when they start less than a session apart, as before', () => {
    const a = payment({ serviceEndAt: null, serviceStartAt: '2026-03-10T14:00:00+09:00' });
    expect(serviceTimesOverlap(a, payment({ serviceEndAt: null, serviceStartAt: '2026-03-10T14:59:00+09:00' }), 60)).toBe(true);
    expect(serviceTimesOverlap(a, payment({ serviceEndAt: null, serviceStartAt: '2026-03-10T15:00:00+09:00' }), 60)).toBe(false);
  });

  it('a retroactive time payment overlapping a paid session of the same worker is evidence; the window reaches back a day', () => {
    const paid = payment({ approvalNumber: '26031000000002' });
    const retro = payment({ kind: 'RETRO', recipientId: 'R0002', serviceStartAt: '2026-03-10T15:00:00+09:00', serviceEndAt: '2026-03-10T17:00:00+09:00', approvedAt: '2026-03-11T09:00:00+09:00' });
    expect(rapidSuccession(retro, [paid], rule)).toEqual([expect.objectContaining({ approvalNumber: '26031000000002', match: 'SAME_WORKER', reason: 'SERVICE_TIMES_OVERLAP' })]);
    expect(successionWindow(retro, rule).serviceStart).toEqual({ from: '2026-03-09T15:00:00+09:00', to: '2026-03-10T17:00:00+09:00' });
  });
});
