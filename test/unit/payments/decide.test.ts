import { describe, expect, it } from 'vitest';
import { decideCancel } from '../../../domain/payments/cancel';
import { decidePayment, type PaymentContext } from '../../../domain/payments/decide';
import { approvalNumber, type Payment, type PaymentRequest, type VoucherBalance } from '../../../domain/payments/payment';
import { TERMINAL_STATUS } from '../../../functions/payment-intake/answers';
import { contract, serviceTypes } from '../../support/fixtures';
import { koreanHolidays } from '../../../functions/shared/holidays';

const kst = (s: string) => new Date(`${s}+09:00`);

const voucher = (over: Partial<VoucherBalance> = {}): VoucherBalance => ({
  recipientId: 'R0001', serviceCode: '110101', programCode: 'COMMUNITY', month: '2026-03', grantedAmount: 144_000, grantedSessions: 4, perSessionAmount: 36_000,
  remainingAmount: 144_000, remainingSessions: 4, municipalityCode: '44130', version: 0, paidDays: [], ...over,
});

const context = (over: Partial<PaymentContext> = {}): PaymentContext => ({
  now: kst('2026-03-10T14:05:00'),
  terminal: { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [] },
  providerBusinessNumber: '1234567891',
  serviceType: serviceTypes.get('110101'),
  program: { kind: 'SESSION', requiresTerminalMatch: false },
  worker: { workerId: 'W0001', providerId: 'P0001', workerPaymentId: '20000001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] },
  card: { cardNumber: '9410000000000001', recipientId: 'R0001', status: 'ACTIVE' },
  contracts: [contract()],
  voucher: voucher(),
  holidays: koreanHolidays,
  ...over,
});

const request = (over: Partial<PaymentRequest> = {}): PaymentRequest => ({
  transactionId: 'T-1', businessNumber: '1234567891', terminalPhone: '01012345678', serviceCode: '110101', workerPaymentId: '20000001',
  cardNumber: '9410000000000001', amount: 36_000, kind: 'NORMAL', serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', reason: null, ...over,
});

const refusal = (req: Partial<PaymentRequest> = {}, ctx: Partial<PaymentContext> = {}) => {
  const d = decidePayment(request(req), context(ctx), 'VT11-000001');
  return d.ok ? null : { code: d.refusal.code, rule: d.refusal.rule };
};

describe('PAY-08 approval plan', () => {
  it('deducts the amount and one session against the version read, and records channel and payment', () => {
    const d = decidePayment(request(), context(), 'VT11-000001');
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.plan.voucher).toEqual({ expectedVersion: 0, remainingAmount: 108_000, remainingSessions: 3 });
    expect(d.plan.dayLock).toEqual({ list: 'paidDays', day: '2026-03-10' });
    expect(d.plan.payment).toMatchObject({ channel: 'TERMINAL', providerId: 'P0001', recipientId: 'R0001', workerId: 'W0001', voucherMonth: '2026-03', approvalDate: '2026-03-10', approvedAt: '2026-03-10T14:05:00+09:00', status: 'APPROVED', municipalityCode: '44130' });
  });

  it('approval numbers are YYMMDD and eight digits', () => {
    expect(approvalNumber('2026-03-10', '00000017')).toBe('26031000000017');
    expect(() => approvalNumber('2026-03-10', '17')).toThrow();
  });
});

describe('PAY-01 terminal identity', () => {
  it('an unregistered or cancelled terminal is refused', () => {
    expect(refusal({}, { terminal: null })).toEqual({ code: 'TERMINAL_MISMATCH', rule: 'PAY-01' });
    expect(refusal({}, { terminal: { ...context().terminal!, status: 'CANCELLED' } })).toEqual({ code: 'TERMINAL_INACTIVE', rule: 'PAY-01' });
  });

  it('a phone or business number that does not match the registry is refused', () => {
    expect(refusal({ terminalPhone: '01099999999' })).toEqual({ code: 'TERMINAL_MISMATCH', rule: 'PAY-01' });
    expect(refusal({ businessNumber: '2208112345' })).toEqual({ code: 'TERMINAL_MISMATCH', rule: 'PAY-01' });
  });
});

describe('PAY-02 worker', () => {
  it('a worker of another provider, without a program contract on the date, or unknown, is refused', () => {
    expect(refusal({}, { worker: null })).toEqual({ code: 'WORKER_NOT_ELIGIBLE', rule: 'PAY-02' });
    expect(refusal({}, { worker: { ...context().worker!, providerId: 'P0002' } })).toEqual({ code: 'WORKER_NOT_ELIGIBLE', rule: 'PAY-02' });
    expect(refusal({}, { worker: { ...context().worker!, contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: '2026-03-09' }] } })).toEqual({ code: 'WORKER_NOT_ELIGIBLE', rule: 'PAY-02' });
  });

  it('where the program requires it, the worker must be matched to the terminal; a smartphone always is', () => {
    expect(refusal({}, { program: { kind: 'SESSION', requiresTerminalMatch: true } })).toEqual({ code: 'WORKER_NOT_ELIGIBLE', rule: 'PAY-02' });
    expect(refusal({}, { program: { kind: 'SESSION', requiresTerminalMatch: true }, terminal: { ...context().terminal!, workerIds: ['W0001'] } })).toBeNull();
    expect(refusal({}, { terminal: { ...context().terminal!, kind: 'SMARTPHONE', workerIds: ['W0009'] } })).toEqual({ code: 'WORKER_NOT_ELIGIBLE', rule: 'PAY-02' });
  });
});

describe('PAY-03 card, contract and voucher', () => {
  it('a lost card is refused', () => {
    expect(refusal({}, { card: { ...context().card!, status: 'LOST' } })).toEqual({ code: 'CARD_INACTIVE', rule: 'PAY-03' });
  });

  it('no existence oracle (issue 15 §3): a never-issued card and a lost card of another provider\'s holder are answered NO_CONTRACT alike', () => {
    const never = refusal({}, { card: null, contracts: [] });
    expect(never).toEqual({ code: 'NO_CONTRACT', rule: 'PAY-03' });
    expect(refusal({}, { card: { ...context().card!, status: 'LOST' }, contracts: [contract({ providerId: 'P0002' })] })).toEqual(never);
  });

  it('no contract with this provider and service on the date is refused', () => {
    expect(refusal({}, { contracts: [contract({ providerId: 'P0002' })] })).toEqual({ code: 'NO_CONTRACT', rule: 'PAY-03' });
    expect(refusal({}, { contracts: [contract({ from: '2026-03-11' })] })).toEqual({ code: 'NO_CONTRACT', rule: 'PAY-03' });
    expect(refusal({}, { contracts: [contract({ status: 'SUSPENDED' })] })).toEqual({ code: 'NO_CONTRACT', rule: 'PAY-03' });
  });

  it('no voucher of the service month is refused', () => {
    expect(refusal({}, { voucher: null })).toEqual({ code: 'NO_VOUCHER', rule: 'PAY-03' });
  });
});

describe('PAY-04 amount', () => {
  it('at most floor(P/N) per session', () => {
    expect(refusal({ amount: 36_001 })).toEqual({ code: 'AMOUNT_EXCEEDS_SESSION', rule: 'PAY-04' });
    expect(refusal({ amount: 20_000 })).toBeNull();
  });

  it('at most the remaining balance, and never more than N sessions', () => {
    expect(refusal({}, { voucher: voucher({ remainingAmount: 30_000 }) })).toEqual({ code: 'INSUFFICIENT_BALANCE', rule: 'PAY-04' });
    expect(refusal({}, { voucher: voucher({ remainingSessions: 0, remainingAmount: 144_000 }) })).toEqual({ code: 'NO_SESSIONS_LEFT', rule: 'PAY-04' });
  });
});

describe('PAY-05 normal payment', () => {
  it('from 30 minutes before the scheduled start, the same day', () => {
    expect(refusal({ serviceStartAt: '2026-03-10T14:36:00+09:00' })).toEqual({ code: 'OUTSIDE_PAYMENT_WINDOW', rule: 'PAY-05' });
    expect(refusal({ serviceStartAt: '2026-03-10T14:35:00+09:00' })).toBeNull();
    expect(refusal({ serviceStartAt: '2026-03-11T00:10:00+09:00' }, { now: kst('2026-03-10T23:50:00') })).toEqual({ code: 'OUTSIDE_PAYMENT_WINDOW', rule: 'PAY-05' });
  });

  it('only for today\'s service; never for a future date', () => {
    expect(refusal({ serviceDate: '2026-03-09', serviceStartAt: '2026-03-09T14:00:00+09:00' })).toEqual({ code: 'OUTSIDE_PAYMENT_WINDOW', rule: 'PAY-05' });
    expect(refusal({ kind: 'RETRO', reason: 'CARD_LOST', serviceDate: '2026-03-11' })).toEqual({ code: 'OUTSIDE_PAYMENT_WINDOW', rule: 'PAY-05' });
  });

  it('one normal payment per card × service × day', () => {
    expect(refusal({}, { voucher: voucher({ paidDays: ['2026-03-10'] }) })).toEqual({ code: 'DAILY_LIMIT_REACHED', rule: 'PAY-05' });
    expect(refusal({}, { voucher: voucher({ paidDays: ['2026-03-09'] }) })).toBeNull();
  });
});

describe('PAY-06 retroactive payment and VCH-04 lapse', () => {
  it('needs a reason from the list', () => {
    expect(refusal({ kind: 'RETRO', serviceDate: '2026-03-02', reason: null })).toEqual({ code: 'REASON_REQUIRED', rule: 'PAY-06' });
    expect(refusal({ kind: 'RETRO', serviceDate: '2026-03-02', reason: 'RESCHEDULED' })).toEqual({ code: 'REASON_REQUIRED', rule: 'PAY-06' });
    expect(refusal({ kind: 'RETRO', serviceDate: '2026-03-02', reason: 'TERMINAL_BROKEN' })).toBeNull();
  });

  it('is allowed until the last day of the month after the service month, against that month\'s voucher', () => {
    const feb = voucher({ month: '2026-02' });
    expect(refusal({ kind: 'RETRO', reason: 'CARD_LOST', serviceDate: '2026-02-27' }, { now: kst('2026-03-31T23:59:00'), voucher: feb, contracts: [contract()] })).toBeNull();
    expect(refusal({ kind: 'RETRO', reason: 'CARD_LOST', serviceDate: '2026-02-27' }, { now: kst('2026-04-01T00:00:00'), voucher: feb })).toEqual({ code: 'RETRO_PERIOD_EXPIRED', rule: 'PAY-06' });
  });

  it('raises the card\'s retroactive count of the approval day (the store caps it at 20) and takes its service date (PAY-06)', () => {
    const d = decidePayment(request({ kind: 'RETRO', reason: 'SERVER_UNREACHABLE', serviceDate: '2026-03-03' }), context(), 'VT11-000001');
    expect(d.ok && d.plan.retroDay).toBe('2026-03-10');
    expect(d.ok && d.plan.dayLock).toEqual({ list: 'paidDays', day: '2026-03-03' });
  });
});

describe('PAY-07 makeup payment', () => {
  it('needs RESCHEDULED, until the end of the next month', () => {
    expect(refusal({ kind: 'MAKEUP', serviceDate: '2026-03-05', reason: null })).toEqual({ code: 'REASON_REQUIRED', rule: 'PAY-07' });
    expect(refusal({ kind: 'MAKEUP', serviceDate: '2026-01-30', reason: 'RESCHEDULED' }, { voucher: voucher({ month: '2026-01' }) })).toEqual({ code: 'RETRO_PERIOD_EXPIRED', rule: 'PAY-07' });
  });

  it('PAY-07: a makeup takes the card × service × day lock, not a day of its voucher', () => {
    const d = decidePayment(request({ kind: 'MAKEUP', reason: 'RESCHEDULED', serviceDate: '2026-02-20' }), context({ voucher: voucher({ month: '2026-02' }) }), 'VT11-000001');
    expect(d.ok && d.plan.makeupDay).toBe('2026-03-10');
    expect(d.ok && d.plan.dayLock).toBeUndefined();
  });
});

describe('§4.5 channel', () => {
  it('a smartphone payment is recorded as SMARTPHONE', () => {
    const d = decidePayment(request(), context({ terminal: { ...context().terminal!, kind: 'SMARTPHONE', workerIds: ['W0001'] } }), 'VT11-000001');
    expect(d.ok && d.plan.payment.channel).toBe('SMARTPHONE');
  });
});

describe('PAY-10 same-day cancellation', () => {
  const payment = { approvalNumber: '26031000000017', providerId: 'P0001', status: 'APPROVED', approvalDate: '2026-03-10' } as Payment;

  it('is allowed on the day of approval by the same provider', () => {
    expect(decideCancel(payment, 'P0001', kst('2026-03-10T23:59:59'))).toEqual({ ok: true });
  });

  it('the next day it is a refund; twice is a conflict; another provider sees nothing', () => {
    expect(decideCancel(payment, 'P0001', kst('2026-03-11T00:00:00'))).toMatchObject({ ok: false, refusal: { code: 'USE_REFUND_REQUEST', rule: 'PAY-10' } });
    expect(decideCancel({ ...payment, status: 'CANCELLED' }, 'P0001', kst('2026-03-10T15:00:00'))).toMatchObject({ ok: false, refusal: { code: 'ALREADY_CANCELLED' } });
    expect(decideCancel(payment, 'P0002', kst('2026-03-10T15:00:00'))).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    // The terminal API answers them 422, 409 and 404 (api.md).
    expect([TERMINAL_STATUS.USE_REFUND_REQUEST, TERMINAL_STATUS.ALREADY_CANCELLED, TERMINAL_STATUS.NOT_FOUND]).toEqual([422, 409, 404]);
  });
});
