import { describe, expect, it } from 'vitest';
import { takePayment } from '../../../domain/payments/intake';
import type { PayingTerminal, PaymentRequest, VoucherBalance } from '../../../domain/payments/payment';
import type { PaymentPort, TerminalDeps, TransactionRecord } from '../../../domain/payments/ports';
import { contract, serviceTypes } from '../../support/fixtures';
import { koreanHolidays } from '../../../functions/shared/holidays';

const clock = { now: () => new Date('2026-03-10T14:05:00+09:00') };
/** The use case's world: scripted storage, a fixed clock, no real waiting, fixed approval numbers. */
const deps = (store: PaymentPort): TerminalDeps & { slept: number[] } => {
  const slept: number[] = [];
  return { store, clock, sleep: async (ms) => void slept.push(ms), random: () => 0.5, approvalNumbers: { next: () => '26031000000017' }, holidays: koreanHolidays, slept };
};
const terminal: PayingTerminal = { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [] };
const request: PaymentRequest = {
  transactionId: 'T-1', businessNumber: '1234567891', terminalPhone: '01012345678', serviceCode: '110101', workerPaymentId: '20000001',
  cardNumber: '9410000000000001', amount: 36_000, kind: 'NORMAL', serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', reason: null,
};
const voucher: VoucherBalance = {
  recipientId: 'R0001', serviceCode: '110101', programCode: 'COMMUNITY', month: '2026-03', grantedAmount: 144_000, grantedSessions: 4, perSessionAmount: 36_000,
  remainingAmount: 144_000, remainingSessions: 4, municipalityCode: '44130', version: 0, paidDays: [],
};

/** An in-memory port whose approval answers are scripted. */
function port(outcomes: Awaited<ReturnType<PaymentPort['approve']>>[], stored: TransactionRecord | null = null): PaymentPort & { approvals: number } {
  const p = {
    approvals: 0,
    providerBusinessNumber: async () => '1234567891',
    workerByPaymentId: async () => ({ workerId: 'W0001', providerId: 'P0001', workerPaymentId: '20000001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] }),
    card: async () => ({ cardNumber: '9410000000000001', recipientId: 'R0001', status: 'ACTIVE' as const }),
    serviceType: async () => ({ serviceType: serviceTypes.get('110101'), program: { kind: 'SESSION' as const, requiresTerminalMatch: false } }),
    voucher: async () => voucher,
    holder: async () => ({ contracts: [contract()], voucher }),
    transactionRecord: async () => stored,
    payment: async () => null,
    approve: async () => {
      p.approvals++;
      return outcomes.shift() ?? { kind: 'contention' as const };
    },
    cancel: async () => 'cancelled' as const,
  };
  return p;
}

describe('PAY-08/09 intake use case', () => {
  it('a stale voucher makes the decision run again on fresh data', async () => {
    const p = port([{ kind: 'stale-voucher' }, { kind: 'written' }]);
    const world = deps(p);
    const answer = await takePayment(world, terminal, request, 'h');
    expect(answer).toMatchObject({ ok: true, replayed: false, receipt: { approvalNumber: '26031000000017', status: 'APPROVED', voucher: { remainingAmount: 108_000, remainingSessions: 3 } } });
    expect(p.approvals).toBe(2);
    expect(world.slept).toHaveLength(1);
  });

  it('a request that keeps losing to concurrent writers gets a retryable 409, not a 500', async () => {
    const answer = await takePayment(deps(port([])), terminal, request, 'h');
    expect(answer).toMatchObject({ ok: false, refusal: { code: 'REQUEST_IN_PROGRESS', rule: 'PAY-09', retryable: true } });
  });

  it('a duplicate answers with the stored answer, or IDEMPOTENCY_CONFLICT when the content differs', async () => {
    const stored: TransactionRecord = { requestHash: 'h', receipt: { approvalNumber: '26031000000001', status: 'APPROVED', amount: 36_000, approvedAt: '2026-03-10T14:01:00+09:00', voucher: { month: '2026-03', remainingAmount: 108_000, remainingSessions: 3 } } };
    expect(await takePayment(deps(port([{ kind: 'duplicate', record: stored }])), terminal, request, 'h')).toEqual({ ok: true, replayed: true, receipt: stored.receipt });
    expect(await takePayment(deps(port([{ kind: 'duplicate', record: stored }])), terminal, request, 'other')).toMatchObject({ ok: false, refusal: { code: 'IDEMPOTENCY_CONFLICT', rule: 'PAY-09' } });
  });

  it('the database\'s retroactive cap answers DAILY_LIMIT_REACHED under PAY-06', async () => {
    const retro = { ...request, kind: 'RETRO' as const, reason: 'CARD_LOST' as const, serviceDate: '2026-03-02', serviceStartAt: null };
    expect(await takePayment(deps(port([{ kind: 'retro-limit' }])), terminal, retro, 'h')).toMatchObject({ ok: false, refusal: { code: 'DAILY_LIMIT_REACHED', rule: 'PAY-06' } });
  });

  it('PAY-07: the database\'s makeup lock of the day answers DAILY_LIMIT_REACHED under PAY-07', async () => {
    const makeup = { ...request, kind: 'MAKEUP' as const, reason: 'RESCHEDULED' as const, serviceDate: '2026-03-02', serviceStartAt: null };
    expect(await takePayment(deps(port([{ kind: 'makeup-taken' }])), terminal, makeup, 'h')).toMatchObject({ ok: false, refusal: { code: 'DAILY_LIMIT_REACHED', rule: 'PAY-07' } });
  });
});
