/**
 * Regression (money always right, point 12): a recipient who died on 1 March got a voucher for
 * March; VCH-02 says a death on or before the first day of the month is deceased for that month.
 */
import { describe, expect, it } from 'vitest';
import { planRecipientMonth } from '../../domain/vouchers/generation';
import { contract, recipient, serviceTypes } from '../support/fixtures';

const plan = (deathDate: string) => planRecipientMonth({ month: '2026-03', recipient: recipient({ deathDate }), contracts: [contract()], existing: [], serviceTypes, decidedAt: '2026-03-01T00:10:00+09:00' });

describe('VCH-02 death on the 1st', () => {
  it('VCH-02 a death on the 1st leaves the month without a voucher (RECIPIENT_DECEASED); a death on the 2nd does not', () => {
    expect(plan('2026-03-01')).toMatchObject({ vouchers: [], outcomes: [{ status: 'NOT_GENERATED', reason: 'RECIPIENT_DECEASED' }] });
    expect(plan('2026-03-02').vouchers).toHaveLength(1);
  });
});
