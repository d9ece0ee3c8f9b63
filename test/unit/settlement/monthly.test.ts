/** PO-07 monthly settlement per recipient, worker and day: what the month's payouts actually paid. */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../domain/payments/claims';
import type { Payment } from '../../../domain/payments/payment';
import { monthlyCsv, monthlySettlement, type SettlementView } from '../../../domain/settlement/monthly';
import type { Payout } from '../../../domain/settlement/payout';
import type { PayoutRecords } from '../../../domain/settlement/ports';
import type { StatementCandidates, StatementPayment, StatementRecovery } from '../../../domain/settlement/statements';

let n = 0;
const payment = (day: string, over: Partial<StatementPayment> = {}): StatementPayment =>
  ({
    approvalNumber: `${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}${String(++n).padStart(8, '0')}`, transactionId: `T${n}`, terminalSerial: 'VT11-000001', channel: 'TERMINAL', providerId: 'P1', programCode: 'COMMUNITY', serviceCode: '110101',
    workerId: 'W1', workerPaymentId: '20000001', recipientId: 'R1', cardNumber: '9410000000000001', municipalityCode: '44130', amount: 30_000, kind: 'NORMAL', reason: null,
    serviceDate: day, serviceStartAt: `${day}T10:00:00+09:00`, voucherMonth: day.slice(0, 7), approvedAt: `${day}T11:00:00+09:00`, approvalDate: day, status: 'APPROVED', screenedAt: `${day}T11:00:05+09:00`, ...over,
  }) as StatementPayment;

const payout = (id: string, cycle: string, payDate: string, createdAt: string, draws: Payout['draws'], over: Partial<Payout> = {}): Payout => ({
  payoutId: id, runId: cycle, providerId: 'P1', programCode: 'COMMUNITY', cycle, payDate, payDateReason: null, amount: draws.reduce((s, d) => s + d.amount, 0), status: 'SCHEDULED', resultCode: null, account: null,
  draws, deposits: [], delays: [], createdAt, ...over,
});

/** A provider's records as the ports give them: every payout, and every fact on the days each drew from. */
function world(payouts: Payout[], facts: { payments: StatementPayment[]; recoveries?: StatementRecovery[]; claims?: Claim[] }) {
  const records = {
    providerPayouts: async (_p: string, _d: string | undefined, page: { limit: number; nextToken?: string }) => {
      const sorted = [...payouts].sort((a, b) => b.payDate.localeCompare(a.payDate));
      const from = Number(page.nextToken ?? 0);
      const items = sorted.slice(from, from + 2);
      return { items, ...(from + 2 < sorted.length ? { nextToken: String(from + 2) } : {}) };
    },
  } as unknown as PayoutRecords;
  const statements = {
    statementFacts: async (p: Payout): Promise<StatementCandidates> => {
      const days = new Set(p.draws.map((d) => d.day));
      return {
        payments: facts.payments.filter((x) => days.has(x.approvalDate)),
        recoveries: (facts.recoveries ?? []).filter((r) => days.has(r.recoveredOn!)),
        claims: (facts.claims ?? []).filter((c) => days.has(c.payableOn!)),
        payouts: payouts.map((o) => ({ payoutId: o.payoutId, createdAt: o.createdAt, draws: o.draws, status: o.status })),
      };
    },
  };
  return (by: SettlementView, month = '2026-03') => monthlySettlement({ records, statements }, { providerId: 'P1', month, by });
}

describe('PO-07 monthly settlement', () => {
  it('sums per recipient, worker and day what the cycles paid, after refunds; a hold released by an ad-hoc payout is paid once, by it', async () => {
    const a = payment('2026-03-02', { recipientId: 'R1', workerId: 'W1' });
    const b = payment('2026-03-02', { recipientId: 'R2', workerId: 'W1' });
    const held = payment('2026-03-03', { recipientId: 'R2', workerId: 'W2', holdsOpen: 0, releasedAt: '2026-03-14T10:00:00+09:00' });
    const c = payment('2026-03-12', { recipientId: 'R1', workerId: 'W2' });
    const recovery: StatementRecovery = { refundId: 'RF1', approvalNumber: a.approvalNumber, providerId: 'P1', programCode: 'COMMUNITY', recipientId: 'R1', workerId: 'W1', municipalityCode: '44130', amount: 30_000, reason: 'OVERCHARGE', state: 'APPROVED', requestedAt: '2026-03-12T09:00:00+09:00', requestedBy: 'u', decidedAt: '2026-03-12T09:30:00+09:00', recoveredOn: '2026-03-12' };
    const claim = { claimId: 'CL1', providerId: 'P1', programCode: 'COMMUNITY', municipalityCode: '44130', amount: 20_000, state: 'APPROVED', recipientId: 'R3', workerId: 'W2', serviceDate: '2026-03-01', payableOn: '2026-03-13', decidedAt: '2026-03-13T09:00:00+09:00' } as Claim;
    const cycle1 = payout('PO-1', '2026-03-1', '2026-03-13', '2026-03-11T01:00:00+09:00', [{ day: '2026-03-02', municipalityCode: '44130', amount: 60_000 }]);
    // The held payment's day had nothing else: cycle 1 drew nothing on it; it shows it held.
    const cycle1b = { ...cycle1, draws: [...cycle1.draws, { day: '2026-03-03', municipalityCode: '44130', amount: 0 }] };
    const adhoc = payout('PO-A', 'adhoc', '2026-03-16', '2026-03-15T01:00:00+09:00', [{ day: '2026-03-03', municipalityCode: '44130', amount: 30_000 }, { day: '2026-03-13', municipalityCode: '44130', amount: 20_000 }]);
    const cycle2 = payout('PO-2', '2026-03-2', '2026-03-25', '2026-03-21T01:00:00+09:00', [{ day: '2026-03-12', municipalityCode: '44130', amount: 0 }]);
    const read = world([cycle1b, adhoc, cycle2], { payments: [a, b, held, c], recoveries: [recovery], claims: [claim] });

    const byRecipient = await read('recipient');
    expect(byRecipient.items.map((r) => [r.key, r.payments, r.approved, r.refunded, r.claims, r.held, r.paid, r.payoutIds])).toEqual([
      ['R1', 2, 60_000, 30_000, 0, 0, 30_000, ['PO-1', 'PO-2']],
      ['R2', 2, 60_000, 0, 0, 0, 60_000, ['PO-1', 'PO-A']],
      ['R3', 0, 0, 0, 20_000, 0, 20_000, ['PO-A']],
    ]);
    expect(byRecipient.totals).toMatchObject({ settled: 110_000, delayed: 0, paid: 110_000, drawn: 110_000 });
    expect(byRecipient.payouts.map((p) => [p.payoutId, p.drawn])).toEqual([['PO-1', 60_000], ['PO-A', 50_000], ['PO-2', 0]]);

    const byWorker = await read('worker');
    expect(byWorker.items.map((r) => [r.key, r.paid])).toEqual([['W1', 30_000], ['W2', 80_000]]);
    const byDay = await read('day');
    expect(byDay.items.map((r) => [r.key, r.paid])).toEqual([['2026-03-02', 60_000], ['2026-03-03', 30_000], ['2026-03-12', 0], ['2026-03-13', 20_000]]);
  });

  it('PO-03 a deposit shortfall is delayed against the day\'s latest payments and paid when the delay is; a returned transfer paid nothing', async () => {
    const early = payment('2026-03-04', { recipientId: 'R1', approvedAt: '2026-03-04T09:00:00+09:00' });
    const late = payment('2026-03-04', { recipientId: 'R2', approvedAt: '2026-03-04T18:00:00+09:00' });
    const short = payout('PO-1', '2026-03-1', '2026-03-13', '2026-03-11T01:00:00+09:00', [{ day: '2026-03-04', municipalityCode: '44130', amount: 40_000 }], { delays: [{ municipalityCode: '44130', amount: 20_000, reason: 'DEPOSIT_SHORTFALL', fromDay: '2026-03-04' }] });
    const before = world([short], { payments: [early, late] });
    const delayed = await before('recipient');
    expect(delayed.items.map((r) => [r.key, r.settled, r.delayed, r.paid])).toEqual([['R1', 30_000, 0, 30_000], ['R2', 30_000, 20_000, 10_000]]);
    expect(delayed.totals).toMatchObject({ settled: 60_000, delayed: 20_000, paid: 40_000, drawn: 40_000 });

    const topUp = payout('PO-A', 'adhoc', '2026-03-17', '2026-03-16T01:00:00+09:00', [{ day: '2026-03-04', municipalityCode: '44130', amount: 20_000 }]);
    const returned = payout('PO-F', 'adhoc', '2026-03-18', '2026-03-17T01:00:00+09:00', [{ day: '2026-03-04', municipalityCode: '44130', amount: 5_000 }], { status: 'FAILED' });
    const after = await world([short, topUp, returned], { payments: [early, late] })('day');
    expect(after.items).toEqual([expect.objectContaining({ key: '2026-03-04', payments: 2, settled: 60_000, delayed: 0, paid: 60_000, payoutIds: ['PO-1'] })]);
    expect(after.payouts.map((p) => [p.payoutId, p.status, p.drawn])).toEqual([['PO-1', 'SCHEDULED', 40_000], ['PO-A', 'SCHEDULED', 20_000], ['PO-F', 'FAILED', 0]]);
    expect(after.totals.paid).toBe(after.totals.drawn);
  });

  it('a payment still held when its payout was made is held, not paid; another month\'s days and older payouts are left out', async () => {
    const held = payment('2026-03-05', { holdsOpen: 1, recipientId: 'R9' });
    const paid = payment('2026-03-05', { recipientId: 'R1' });
    const february = payment('2026-02-26', { recipientId: 'R1' });
    const feb3 = payout('PO-F3', '2026-02-3', '2026-03-05', '2026-03-01T01:00:00+09:00', [{ day: '2026-02-26', municipalityCode: '44130', amount: 30_000 }]);
    const old = payout('PO-J', '2026-01-3', '2026-02-05', '2026-02-01T01:00:00+09:00', [{ day: '2026-03-05', municipalityCode: '44130', amount: 1 }]);
    const mar1 = payout('PO-1', '2026-03-1', '2026-03-13', '2026-03-11T01:00:00+09:00', [{ day: '2026-03-05', municipalityCode: '44130', amount: 30_000 }]);
    const s = await world([old, feb3, mar1], { payments: [held, paid, february] })('recipient');
    expect(s.payouts.map((p) => p.payoutId)).toEqual(['PO-1']);
    expect(s.items.map((r) => [r.key, r.payments, r.held, r.paid])).toEqual([['R1', 1, 0, 30_000], ['R9', 0, 30_000, 0]]);
  });

  it('PO-07 CSV: UTF-8 with a BOM, the manual\'s field names, one line per row and a total', async () => {
    const p = payment('2026-03-02', { recipientId: '=R1' });
    const s = await world([payout('PO-1', '2026-03-1', '2026-03-13', '2026-03-11T01:00:00+09:00', [{ day: '2026-03-02', municipalityCode: '44130', amount: 30_000 }])], { payments: [p] })('recipient');
    const csv = monthlyCsv(s);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('사업(programCode),대상자ID(recipientId),결제건수(payments),결제금액(approved),과오반납액(refunded),예외지급액(claims),지급보류액(held),지급불가액(denied),정산액(settled),지급지연액(delayed),실지급액(paid),지급차수(cycles)');
    expect(lines[1]).toBe("COMMUNITY,'=R1,1,30000,0,0,0,0,30000,0,30000,2026-03-1");
    expect(lines[2]).toBe('합계(total),,1,30000,0,0,0,0,30000,0,30000,');
  });

  it('PO-04 a recovery not yet offset is a negative delay (still owed); a recovery of a payment the store knows no worker of stays on its own row; one program only', async () => {
    const paid = payment('2026-03-06', { recipientId: 'R1', workerId: 'W1', amount: 30_000 });
    const recovery: StatementRecovery = { refundId: 'RF9', approvalNumber: 'X', providerId: 'P1', programCode: 'COMMUNITY', recipientId: 'R2', municipalityCode: '44130', amount: 50_000, reason: 'OVERCHARGE', state: 'APPROVED', requestedAt: '2026-03-07T09:00:00+09:00', requestedBy: 'u', decidedAt: '2026-03-07T10:00:00+09:00', recoveredOn: '2026-03-07' };
    // The payout offset 30,000 of the 50,000 recovery against the 30,000 payment: 20,000 is still owed.
    const netted = payout('PO-1', '2026-03-1', '2026-03-13', '2026-03-11T01:00:00+09:00', [{ day: '2026-03-06', municipalityCode: '44130', amount: 30_000 }, { day: '2026-03-07', municipalityCode: '44130', amount: -30_000 }], { amount: 0, status: 'NETTED' });
    const other = payout('PO-H', '2026-03-1', '2026-03-13', '2026-03-11T01:00:00+09:00', [{ day: '2026-03-06', municipalityCode: '44130', amount: 9 }], { programCode: 'HOUSEWORK' });
    const read = world([netted, other], { payments: [paid], recoveries: [recovery] });
    const byWorker = await read('worker');
    expect(byWorker.items.map((r) => [r.key, r.settled, r.delayed, r.paid])).toEqual([['', -50_000, -20_000, -30_000], ['W1', 30_000, 0, 30_000]]);
    // A draw no item stands behind (here the other program's, whose items the store did not give) shows as drawn, not paid.
    expect(byWorker.totals).toMatchObject({ paid: 0, drawn: 9 });
    const records = { providerPayouts: async () => ({ items: [netted, other] }) } as unknown as PayoutRecords;
    const statements = { statementFacts: async (p: Payout): Promise<StatementCandidates> => ({ payments: p.programCode === 'HOUSEWORK' ? [] : [paid], recoveries: [], claims: [], payouts: [] }) };
    const community = await monthlySettlement({ records, statements }, { providerId: 'P1', month: '2026-03', by: 'day', programCode: 'COMMUNITY' });
    expect(community).toMatchObject({ programCode: 'COMMUNITY', payouts: [{ payoutId: 'PO-1' }] });
  });
});

