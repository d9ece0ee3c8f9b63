/**
 * The terminal's use cases on the in-memory store (test/fakes): approve, same-day cancel (PAY-10),
 * replays (PAY-09), balance (PAY-12), and many requests racing for one voucher (PAY-08).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { balanceOf } from '../../../domain/payments/balance';
import { cancelPayment } from '../../../domain/payments/cancel';
import { dailyTotals } from '../../../domain/payments/history';
import { takePayment } from '../../../domain/payments/intake';
import type { PayingTerminal, PaymentRequest } from '../../../domain/payments/payment';
import type { TerminalDeps } from '../../../domain/payments/ports';
import { decideRefundDecision, decideRefundRequest, voucherStillUsable, type Refund } from '../../../domain/payments/refunds';
import { InMemoryPaymentStore } from '../../fakes/payment-store';
import { contract, serviceTypes } from '../../support/fixtures';
import { koreanHolidays } from '../../../functions/shared/holidays';

const kst = (s: string) => new Date(`${s}+09:00`);
const terminal: PayingTerminal = { serial: 'VT11-000001', phone: '01012345678', providerId: 'P0001', kind: 'DEDICATED', status: 'ACTIVE', workerIds: [] };
const card = (i: number) => `9410${String(i).padStart(12, '0')}`;
const request = (over: Partial<PaymentRequest> = {}): PaymentRequest => ({
  transactionId: 'T-1', businessNumber: '1234567891', terminalPhone: '01012345678', serviceCode: '110101', workerPaymentId: '20000001',
  cardNumber: card(1), amount: 36_000, kind: 'NORMAL', serviceDate: '2026-03-10', serviceStartAt: '2026-03-10T14:00:00+09:00', reason: null, ...over,
});

let store: InMemoryPaymentStore;
let now: Date;
let numbers: number;
let deps: TerminalDeps;

beforeEach(() => {
  store = new InMemoryPaymentStore();
  store.businessNumbers.set('P0001', '1234567891');
  store.workers.set('W0001', { workerId: 'W0001', providerId: 'P0001', workerPaymentId: '20000001', contracts: [{ programCode: 'COMMUNITY', from: '2026-01-01', to: null }] });
  store.serviceTypes.set('110101', { serviceType: serviceTypes.get('110101')!, program: { kind: 'SESSION', requiresTerminalMatch: false } });
  for (const i of [1, 2]) {
    store.cards.set(card(i), { cardNumber: card(i), recipientId: `R000${i}`, status: 'ACTIVE' });
    store.contracts.push(contract({ contractId: `C000${i}`, recipientId: `R000${i}` }));
    store.vouchers.set(`R000${i}/2026-03/110101`, {
      recipientId: `R000${i}`, serviceCode: '110101', programCode: 'COMMUNITY', month: '2026-03', grantedAmount: 144_000, grantedSessions: 4, perSessionAmount: 36_000,
      remainingAmount: 144_000, remainingSessions: 4, municipalityCode: '44130', version: 0, paidDays: [],
    });
  }
  now = kst('2026-03-10T14:05:00');
  numbers = 0;
  deps = { store, clock: { now: () => now }, sleep: async () => undefined, random: () => 0.5, approvalNumbers: { next: () => `260310${String(++numbers).padStart(8, '0')}` }, holidays: koreanHolidays };
});

const cancelBody = (transactionId = 'C-1') => ({ transactionId, businessNumber: '1234567891', terminalPhone: '01012345678' });

describe('PAY-10 same-day cancel', () => {
  it('PAY-10 restores the voucher and answers its balance; a retry gets the same receipt; another cancel is ALREADY_CANCELLED', async () => {
    const paid = await takePayment(deps, terminal, request(), 'h1');
    if (!paid.ok) throw new Error(paid.refusal.code);
    const cancelled = await cancelPayment(deps, terminal, paid.receipt.approvalNumber, cancelBody(), 'c1');
    expect(cancelled).toEqual({ ok: true, replayed: false, receipt: { approvalNumber: paid.receipt.approvalNumber, status: 'CANCELLED', voucher: { month: '2026-03', remainingAmount: 144_000, remainingSessions: 4 } } });
    expect(store.vouchers.get('R0001/2026-03/110101')).toMatchObject({ remainingAmount: 144_000, remainingSessions: 4, paidDays: [], version: 2 });
    expect(await cancelPayment(deps, terminal, paid.receipt.approvalNumber, cancelBody(), 'c1')).toEqual({ ...cancelled, replayed: true });
    expect(await cancelPayment(deps, terminal, paid.receipt.approvalNumber, cancelBody('C-2'), 'c2')).toMatchObject({ ok: false, refusal: { code: 'ALREADY_CANCELLED', rule: 'PAY-10' } });
    // The day is free again for a normal payment (PAY-05).
    expect(await takePayment(deps, terminal, request({ transactionId: 'T-2' }), 'h2')).toMatchObject({ ok: true });
  });

  it('PAY-10 the next day it is a refund; a retry with other content is IDEMPOTENCY_CONFLICT', async () => {
    const paid = await takePayment(deps, terminal, request(), 'h1');
    if (!paid.ok) throw new Error(paid.refusal.code);
    now = kst('2026-03-11T00:00:01');
    expect(await cancelPayment(deps, terminal, paid.receipt.approvalNumber, cancelBody(), 'c1')).toMatchObject({ ok: false, refusal: { code: 'USE_REFUND_REQUEST', rule: 'PAY-10' } });
    expect(await takePayment(deps, terminal, request(), 'other')).toMatchObject({ ok: false, refusal: { code: 'IDEMPOTENCY_CONFLICT', rule: 'PAY-09' } });
  });

  it('PAY-01 a cancel needs the active terminal of the payment\'s provider, its phone and business number', async () => {
    const paid = await takePayment(deps, terminal, request(), 'h1');
    if (!paid.ok) throw new Error(paid.refusal.code);
    const number = paid.receipt.approvalNumber;
    expect(await cancelPayment(deps, { ...terminal, status: 'CANCELLED' }, number, cancelBody(), 'c')).toMatchObject({ ok: false, refusal: { code: 'TERMINAL_INACTIVE', rule: 'PAY-01' } });
    expect(await cancelPayment(deps, terminal, number, { ...cancelBody(), terminalPhone: '01099999999' }, 'c')).toMatchObject({ ok: false, refusal: { code: 'TERMINAL_MISMATCH', rule: 'PAY-01' } });
    expect(await cancelPayment(deps, { ...terminal, providerId: 'P0002' }, number, { ...cancelBody(), businessNumber: '2234567890' }, 'c')).toMatchObject({ ok: false, refusal: { code: 'TERMINAL_MISMATCH' } });
    store.businessNumbers.set('P0002', '2234567890');
    expect(await cancelPayment(deps, { ...terminal, providerId: 'P0002' }, number, { ...cancelBody(), businessNumber: '2234567890' }, 'c')).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', rule: 'PAY-10' } });
  });

  it('PAY-09 a cancel that keeps losing to other writers is REQUEST_IN_PROGRESS, retryable', async () => {
    const paid = await takePayment(deps, terminal, request(), 'h1');
    if (!paid.ok) throw new Error(paid.refusal.code);
    store.cancel = async () => 'contention';
    expect(await cancelPayment(deps, terminal, paid.receipt.approvalNumber, cancelBody(), 'c')).toMatchObject({ ok: false, refusal: { code: 'REQUEST_IN_PROGRESS', retryable: true } });
  });
});

describe('PAY-08 one voucher, many requests at once', () => {
  it('PAY-08 six retroactive payments race for four sessions: exactly four are approved, and the voucher adds up', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => takePayment(deps, terminal, request({ transactionId: `R-${i}`, kind: 'RETRO', reason: 'CARD_LOST', serviceDate: `2026-03-0${i + 1}`, serviceStartAt: null }), `h${i}`)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(4);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.refusal.code)).toEqual(['NO_SESSIONS_LEFT', 'NO_SESSIONS_LEFT']);
    expect(store.vouchers.get('R0001/2026-03/110101')).toMatchObject({ remainingAmount: 0, remainingSessions: 0, version: 4 });
    expect(store.payments.size).toBe(4);
  });
});

describe('PAY-12 balance', () => {
  it('PAY-12 answers what is left, the card masked; refuses an inactive card, another provider\'s holder and a month without voucher', async () => {
    expect(await balanceOf(deps, terminal, card(1), '110101')).toEqual({ ok: true, receipt: { cardNumber: '9410********0001', serviceCode: '110101', month: '2026-03', remainingAmount: 144_000, remainingSessions: 4 } });
    store.cards.set(card(2), { ...store.cards.get(card(2))!, status: 'LOST' });
    expect(await balanceOf(deps, terminal, card(2), '110101')).toMatchObject({ ok: false, refusal: { code: 'CARD_INACTIVE', rule: 'PAY-03' } });
    expect(await balanceOf(deps, { ...terminal, providerId: 'P0002' }, card(1), '110101')).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT', rule: 'PAY-03' } });
    now = kst('2026-04-02T10:00:00');
    expect(await balanceOf(deps, terminal, card(1), '110101')).toMatchObject({ ok: false, refusal: { code: 'NO_VOUCHER', rule: 'PAY-03' } });
  });

  it('no existence oracle (issue 15 §3): another provider\'s card, lost or not, and a never-issued card get the same answer', async () => {
    const other = { ...terminal, providerId: 'P0002' };
    const never = await balanceOf(deps, other, `9410${'9'.repeat(12)}`, '110101');
    expect(never).toMatchObject({ ok: false, refusal: { code: 'NO_CONTRACT', rule: 'PAY-03' } });
    expect(await balanceOf(deps, other, card(1), '110101')).toEqual(never);
    store.cards.set(card(2), { ...store.cards.get(card(2))!, status: 'LOST' });
    expect(await balanceOf(deps, other, card(2), '110101')).toEqual(never);
    // Its own card holder's lost card is still told lost.
    expect(await balanceOf(deps, terminal, card(2), '110101')).toMatchObject({ ok: false, refusal: { code: 'CARD_INACTIVE' } });
  });

  it('PAY-01: a cancelled terminal (해지) answers no balance either (REG-08: found by the registry e2e)', async () => {
    expect(await balanceOf(deps, { ...terminal, status: 'CANCELLED' }, card(1), '110101')).toMatchObject({ ok: false, refusal: { code: 'TERMINAL_INACTIVE', rule: 'PAY-01' } });
  });
});

describe('PAY-13 daily totals', () => {
  it('PAY-13 counts an approval on its day and a cancellation on the day it happened; days outside the range are left out', () => {
    const totals = dailyTotals(
      [
        { approvalDate: '2026-03-10', amount: 36_000 },
        { approvalDate: '2026-03-10', amount: 20_000, cancelledAt: '2026-03-10T18:00:00+09:00' },
        { approvalDate: '2026-03-09', amount: 10_000, cancelledAt: '2026-03-11T09:00:00+09:00' },
      ],
      '2026-03-10',
      '2026-03-11',
    );
    expect(totals).toEqual([
      { date: '2026-03-10', approved: { count: 2, amount: 56_000 }, cancelled: { count: 1, amount: 20_000 } },
      { date: '2026-03-11', approved: { count: 0, amount: 0 }, cancelled: { count: 1, amount: 10_000 } },
    ]);
  });
});

describe('PAY-11 refund decisions', () => {
  const payment = { providerId: 'P0001', status: 'APPROVED', approvalDate: '2026-03-09', voucherMonth: '2026-03' } as Parameters<typeof decideRefundRequest>[0] & object;
  it('PAY-11 a payment of an earlier day of the provider may be returned, once', () => {
    expect(decideRefundRequest(payment, 'P0001', kst('2026-03-10T09:00:00'))).toEqual({ ok: true });
    expect(decideRefundRequest(payment, 'P0002', kst('2026-03-10T09:00:00'))).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND', rule: 'PAY-11' } });
    expect(decideRefundRequest(null, 'P0001', kst('2026-03-10T09:00:00'))).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    expect(decideRefundRequest({ ...payment, status: 'CANCELLED' }, 'P0001', kst('2026-03-10T09:00:00'))).toMatchObject({ ok: false, refusal: { code: 'PAYMENT_CANCELLED' } });
    expect(decideRefundRequest({ ...payment, status: 'REFUNDED' }, 'P0001', kst('2026-03-10T09:00:00'))).toMatchObject({ ok: false, refusal: { code: 'ALREADY_REFUNDED' } });
    expect(decideRefundRequest(payment, 'P0001', kst('2026-03-09T20:00:00'))).toMatchObject({ ok: false, refusal: { code: 'USE_SAME_DAY_CANCEL' } });
  });

  it('PAY-11 only a requested refund is decided; the voucher takes it back only while it can pay (VCH-04)', () => {
    const refund = { state: 'REQUESTED' } as Refund;
    expect(decideRefundDecision(refund)).toEqual({ ok: true });
    expect(decideRefundDecision(null)).toMatchObject({ ok: false, refusal: { code: 'NOT_FOUND' } });
    expect(decideRefundDecision({ ...refund, state: 'APPROVED' })).toMatchObject({ ok: false, refusal: { code: 'INVALID_STATE', rule: 'PAY-11' } });
    expect(voucherStillUsable(payment, kst('2026-04-30T23:59:59'))).toBe(true);
    expect(voucherStillUsable(payment, kst('2026-05-01T00:00:00'))).toBe(false);
  });
});

describe('PAY-09 a duplicate whose record expired meanwhile', () => {
  it('PAY-09 is decided again on fresh data', async () => {
    let calls = 0;
    const approve = store.approve.bind(store);
    store.approve = async (write) => (calls++ === 0 ? { kind: 'duplicate', record: null } : approve(write));
    expect(await takePayment(deps, terminal, request(), 'h1')).toMatchObject({ ok: true, replayed: false });
    expect(calls).toBe(2);
  });

  it('a payment whose voucher vanished is an error, never a silent cancel', async () => {
    const paid = await takePayment(deps, terminal, request(), 'h1');
    if (!paid.ok) throw new Error(paid.refusal.code);
    store.vouchers.clear();
    await expect(cancelPayment(deps, terminal, paid.receipt.approvalNumber, cancelBody(), 'c')).rejects.toThrow(/voucher of payment/);
  });
});
