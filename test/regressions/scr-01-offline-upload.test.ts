/**
 * Regression (money always right, point 10): two retroactive payments for 3 and 5 March uploaded
 * 2 seconds apart were held as SCR-01 (approved within the 10-minute gap), so a §4.7 outage
 * backlog would be held wholesale. The approval gap applies to normal payments only; retroactive
 * and makeup payments are compared by their service times.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCREENING_RULES, rapidSuccession, type ScreenedPayment } from '../../domain/screening/rules';

const rule = DEFAULT_SCREENING_RULES['SCR-01'];
const payment = (over: Partial<ScreenedPayment>): ScreenedPayment => ({
  approvalNumber: '26031000000001', providerId: 'P0001', programCode: 'COMMUNITY', serviceCode: '110101', recipientId: 'R0001', workerId: 'W0001', municipalityCode: '44130',
  channel: 'TERMINAL', kind: 'RETRO', amount: 36_000, serviceDate: '2026-03-03', serviceStartAt: '2026-03-03T14:00:00+09:00', approvedAt: '2026-03-10T09:00:00+09:00', status: 'APPROVED', ...over,
});

describe('SCR-01 offline uploads', () => {
  it('SCR-01 retroactive payments for 3 and 5 March uploaded 2 seconds apart are not rapid succession', () => {
    const third = payment({});
    const fifth = payment({ approvalNumber: '26031000000002', serviceDate: '2026-03-05', serviceStartAt: '2026-03-05T14:00:00+09:00', approvedAt: '2026-03-10T09:00:02+09:00' });
    expect(rapidSuccession(fifth, [third], rule)).toEqual([]);
    expect(rapidSuccession({ ...fifth, kind: 'MAKEUP' }, [third], rule)).toEqual([]);
    expect(rapidSuccession({ ...fifth, serviceStartAt: null }, [{ ...third, serviceStartAt: null }], rule)).toEqual([]);
  });

  it('SCR-01 retroactive payments whose service times overlap still are; two normal payments 2 seconds apart still are', () => {
    const overlapping = payment({ approvalNumber: '26031000000002', serviceStartAt: '2026-03-03T14:30:00+09:00', approvedAt: '2026-03-10T09:00:02+09:00' });
    expect(rapidSuccession(overlapping, [payment({})], rule)).toMatchObject([{ reason: 'SERVICE_TIMES_OVERLAP', minutesApart: 30 }]);
    const normal = (n: string, at: string, start: string) => payment({ approvalNumber: n, kind: 'NORMAL', serviceDate: '2026-03-10', serviceStartAt: start, approvedAt: at });
    expect(rapidSuccession(normal('26031000000004', '2026-03-10T15:00:02+09:00', '2026-03-10T13:00:00+09:00'), [normal('26031000000003', '2026-03-10T15:00:00+09:00', '2026-03-10T10:00:00+09:00')], rule)).toMatchObject([{ reason: 'APPROVED_WITHIN_GAP' }]);
  });
});
