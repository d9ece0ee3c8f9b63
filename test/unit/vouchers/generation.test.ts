import { describe, expect, it } from 'vitest';
import { generateMonth, type MonthPlanInput, planRecipientMonth } from '../../../domain/vouchers/generation';
import { effectiveGrade } from '../../../domain/vouchers/voucher';
import { contract, recipient, serviceTypes } from '../../support/fixtures';

const plan = (over: Partial<MonthPlanInput> = {}) =>
  planRecipientMonth({ month: '2026-03', recipient: recipient(), contracts: [contract()], existing: [], serviceTypes, decidedAt: '2026-03-01T00:10:00+09:00', ...over });

describe('VCH-01 voucher generation', () => {
  it('generates P won and N sessions of the contract grade, with floor(P/N) per session', () => {
    const { vouchers, outcomes } = plan({ contracts: [contract({ serviceCode: '110301', grade: '2', initialGrade: '2' })] });
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]).toMatchObject({ recipientId: 'R0001', serviceCode: '110301', month: '2026-03', grantedAmount: 100_000, grantedSessions: 3, perSessionAmount: 33_333, municipalityCode: '44130' });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'GENERATED', amount: 100_000, sessions: 3 })]);
  });

  it('generates nothing for contracts that do not run in the month', () => {
    const { vouchers, outcomes } = plan({ contracts: [contract({ from: '2026-04-01', to: '2026-12-31' }), contract({ contractId: 'C2', from: '2025-01-01', to: '2026-02-28' })] });
    expect(vouchers).toEqual([]);
    expect(outcomes).toEqual([]);
  });

  it('a re-run with the month\'s vouchers present plans no new voucher', () => {
    const first = plan();
    const again = plan({ existing: first.vouchers });
    expect(again.vouchers).toEqual([]);
    expect(again.outcomes).toEqual([expect.objectContaining({ status: 'GENERATED', amount: 144_000 })]);
  });

  it('one voucher per recipient × service type, even with two contracts of that service', () => {
    const { vouchers, outcomes } = plan({ contracts: [contract(), contract({ contractId: 'C2', providerId: 'P0002', from: '2026-03-15' })] });
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]!.contractId).toBe('C0001');
    expect(outcomes.map((o) => [o.contractId, o.status])).toEqual([['C0001', 'GENERATED'], ['C2', 'GENERATED']]);
  });
});

describe('VCH-02 non-generation records', () => {
  it('a terminated contract gets no voucher and a CONTRACT_TERMINATED record', () => {
    const { vouchers, outcomes } = plan({ contracts: [contract({ status: 'TERMINATED', terminatedOn: '2026-02-20' })] });
    expect(vouchers).toEqual([]);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'NOT_GENERATED', reason: 'CONTRACT_TERMINATED' })]);
  });

  it('a contract terminated later in the month still gets that month\'s voucher', () => {
    expect(plan({ contracts: [contract({ status: 'TERMINATED', terminatedOn: '2026-03-20' })] }).vouchers).toHaveLength(1);
  });

  it('a suspended contract gets CONTRACT_SUSPENDED', () => {
    expect(plan({ contracts: [contract({ status: 'SUSPENDED' })] }).outcomes[0]).toMatchObject({ status: 'NOT_GENERATED', reason: 'CONTRACT_SUSPENDED' });
  });

  it('a recipient who died before the month gets RECIPIENT_DECEASED for every contract', () => {
    const { vouchers, outcomes } = plan({ recipient: recipient({ deathDate: '2026-02-10' }), contracts: [contract(), contract({ contractId: 'C2', serviceCode: '110201', grade: 'A', initialGrade: 'A' })] });
    expect(vouchers).toEqual([]);
    expect(outcomes.map((o) => o.reason)).toEqual(['RECIPIENT_DECEASED', 'RECIPIENT_DECEASED']);
  });

  it('with more than 3 services the contracts that started latest are left without a voucher', () => {
    const contracts = [
      contract({ contractId: 'C4', serviceCode: '110401', from: '2026-02-01' }),
      contract({ contractId: 'C1', serviceCode: '110101', from: '2026-01-01' }),
      contract({ contractId: 'C3', serviceCode: '110301', grade: '2', initialGrade: '2', from: '2026-01-20' }),
      contract({ contractId: 'C2', serviceCode: '110201', grade: 'A', initialGrade: 'A', from: '2026-01-10' }),
    ];
    const { vouchers, outcomes } = plan({ contracts });
    expect(vouchers.map((v) => v.contractId)).toEqual(['C1', 'C2', 'C3']);
    expect(outcomes.find((o) => o.contractId === 'C4')).toMatchObject({ status: 'NOT_GENERATED', reason: 'TOO_MANY_SERVICES' });
  });

  it('vouchers already generated in the month count toward the 3 services on a re-run', () => {
    const first = plan({ contracts: [contract({ contractId: 'C1' }), contract({ contractId: 'C2', serviceCode: '110201', grade: 'A', initialGrade: 'A' }), contract({ contractId: 'C3', serviceCode: '110301', grade: '2', initialGrade: '2' })] });
    // A contract registered later but dated earlier must not displace a voucher already issued.
    const late = contract({ contractId: 'C0', serviceCode: '110401', from: '2025-12-01' });
    const again = plan({ contracts: [late, contract({ contractId: 'C1' })], existing: first.vouchers });
    expect(again.vouchers).toEqual([]);
    expect(again.outcomes.find((o) => o.contractId === 'C0')).toMatchObject({ reason: 'TOO_MANY_SERVICES' });
  });

  it('a grade missing from the catalog is reported, not guessed', () => {
    expect(plan({ contracts: [contract({ grade: '9', initialGrade: '9' })] }).outcomes[0]).toMatchObject({ status: 'NOT_GENERATED', reason: 'GRADE_NOT_IN_CATALOG' });
  });
});

describe('REG-06 grade change', () => {
  const changed = contract({ grade: '2', initialGrade: '1', gradeChanges: [{ grade: '2', recordedOn: '2026-05-14' }] });

  it('a change recorded in May leaves May\'s voucher on the old grade', () => {
    expect(effectiveGrade(changed, '2026-05')).toBe('1');
    expect(plan({ month: '2026-05', contracts: [changed] }).vouchers[0]).toMatchObject({ grade: '1', grantedAmount: 144_000, grantedSessions: 4 });
  });

  it('and applies from June\'s voucher', () => {
    expect(effectiveGrade(changed, '2026-06')).toBe('2');
    expect(plan({ month: '2026-06', contracts: [changed] }).vouchers[0]).toMatchObject({ grade: '2', grantedAmount: 160_000, grantedSessions: 8, perSessionAmount: 20_000 });
  });

  it('the last change recorded before the month wins', () => {
    const twice = contract({ initialGrade: '1', grade: '1', gradeChanges: [{ grade: '1', recordedOn: '2026-04-02' }, { grade: '2', recordedOn: '2026-02-03' }] });
    expect(effectiveGrade(twice, '2026-03')).toBe('2');
    expect(effectiveGrade(twice, '2026-05')).toBe('1');
  });
});

type Store = Parameters<typeof generateMonth>[0];
/** A store of single-recipient reads and writes, its page methods made of them. */
const paged = (s: Omit<Store, 'loadRecipientMonths' | 'saveMonthPlans'>): Store => ({
  ...s,
  loadRecipientMonths: (ids, month) => Promise.all(ids.map((id) => s.loadRecipientMonth(id, month))),
  saveMonthPlans: async (plans) => {
    let created = 0;
    for (const plan of plans) created += await s.saveMonthPlan(plan);
    return created;
  },
});

describe('VCH-01 the month\'s generation over many recipients', () => {
  it('VCH-01 plans and saves each recipient found, skips one that is gone, and counts what it created and refused', async () => {
    const saved: unknown[] = [];
    const store = paged({
      serviceTypes: async () => serviceTypes,
      recipientIds: async () => ({ items: [] }),
      loadRecipientMonth: async (id) => (id === 'R9999' ? null : { recipient: recipient({ recipientId: id }), contracts: [contract({ recipientId: id }), contract({ recipientId: id, contractId: 'C9', status: 'SUSPENDED' })], vouchers: [] }),
      saveMonthPlan: async (plan) => (saved.push(plan), plan.vouchers.length),
      listOutcomes: async () => ({ items: [] }),
    });
    expect(await generateMonth(store, ['R0001', 'R9999', 'R0002'], '2026-03', '2026-03-01T00:10:00+09:00')).toEqual({ recipients: 3, vouchersCreated: 2, notGenerated: 2 });
    expect(saved).toHaveLength(2);
  });

  it('VCH-01 a service missing from a cached catalog is decided against a fresh read, once per page (simulation seed 2)', async () => {
    const reads: boolean[] = [];
    const store = paged({
      // The cache still holds the catalog from before the import that added the service types.
      serviceTypes: async (options) => (reads.push(options?.fresh === true), options?.fresh ? serviceTypes : new Map()),
      recipientIds: async () => ({ items: [] }),
      loadRecipientMonth: async (id) => ({ recipient: recipient({ recipientId: id }), contracts: [contract({ recipientId: id }), contract({ recipientId: id, contractId: 'C9', serviceCode: '999999' })], vouchers: [] }),
      saveMonthPlan: async (plan) => plan.vouchers.length,
      listOutcomes: async () => ({ items: [] }),
    });
    // 999999 is in no catalog: it stays NOT_GENERATED, and the fresh catalog is read only once.
    expect(await generateMonth(store, ['R0001', 'R0002'], '2026-03', '2026-03-01T00:10:00+09:00')).toEqual({ recipients: 2, vouchersCreated: 2, notGenerated: 2 });
    expect(reads).toEqual([false, true]);
  });
});
